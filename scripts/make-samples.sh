#!/usr/bin/env bash
# Makes the small, real, playable clips the simulator serves (assets/samples/). Run once; the outputs are
# committed. Needs ffmpeg from the OS packages (Debian: apt-get install ffmpeg).
# One clip per aspect ratio (16:9, 9:16, 1:1) × container (MP4, WEBM, MOV) × audio (a 440 Hz tone, or no
# audio track at all): the simulator answers each request with the clip a person would expect from it.
set -euo pipefail
cd "$(dirname "$0")/../assets/samples"
rm -f sample.mp4 sample.webm sample.mov
for aspect in 16x9:320x180 9x16:180x320 1x1:240x240; do
  name=${aspect%%:*}
  size=${aspect#*:}
  video=(-f lavfi -i "testsrc2=size=${size}:rate=24:duration=2")
  tone=(-f lavfi -i "sine=frequency=440:duration=2")
  ffmpeg -y -loglevel error "${video[@]}" "${tone[@]}" -c:v libx264 -pix_fmt yuv420p -preset veryslow -crf 32 -c:a aac -b:a 32k -movflags +faststart -shortest "${name}-audio.mp4"
  ffmpeg -y -loglevel error "${video[@]}" "${tone[@]}" -c:v libvpx-vp9 -b:v 0 -crf 45 -c:a libopus -b:a 24k -shortest "${name}-audio.webm"
  ffmpeg -y -loglevel error "${video[@]}" "${tone[@]}" -c:v libx264 -pix_fmt yuv420p -preset veryslow -crf 32 -c:a aac -b:a 32k -f mov -shortest "${name}-audio.mov"
  ffmpeg -y -loglevel error "${video[@]}" -an -c:v libx264 -pix_fmt yuv420p -preset veryslow -crf 32 -movflags +faststart "${name}.mp4"
  ffmpeg -y -loglevel error "${video[@]}" -an -c:v libvpx-vp9 -b:v 0 -crf 45 "${name}.webm"
  ffmpeg -y -loglevel error "${video[@]}" -an -c:v libx264 -pix_fmt yuv420p -preset veryslow -crf 32 -f mov "${name}.mov"
done
ls -l ./*.mp4 ./*.webm ./*.mov
