#!/usr/bin/env bash
# Makes the small, real, playable clips the simulator serves (assets/samples/). Run once; the outputs are
# committed. Needs ffmpeg from the OS packages (Debian: apt-get install ffmpeg).
set -euo pipefail
cd "$(dirname "$0")/../assets/samples"
src=(-f lavfi -i "testsrc2=size=320x180:rate=24:duration=2" -f lavfi -i "sine=frequency=440:duration=2")
ffmpeg -y -loglevel error "${src[@]}" -c:v libx264 -pix_fmt yuv420p -preset veryslow -crf 32 -c:a aac -b:a 32k -movflags +faststart -shortest sample.mp4
ffmpeg -y -loglevel error "${src[@]}" -c:v libvpx-vp9 -b:v 0 -crf 45 -c:a libopus -b:a 24k -shortest sample.webm
ffmpeg -y -loglevel error "${src[@]}" -c:v libx264 -pix_fmt yuv420p -preset veryslow -crf 32 -c:a aac -b:a 32k -f mov -shortest sample.mov
ls -l sample.*
