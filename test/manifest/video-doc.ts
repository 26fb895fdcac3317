// One Video manifest as YAML text, for the manifest tests: `request` replaces the request's size lines
// (indented four spaces), `spec` is appended under spec (indented two). Tests assert FILE:LINE:COL, so the
// lines above `request` never move.
export const SIZE = '    width: 1280\n    height: 720\n';

export const videoDoc = (name: string, parts: { request?: string; spec?: string } = {}) => `apiVersion: reelctl/v1
kind: Video
metadata:
  name: ${name}
spec:
  request:
    model: klingai:kling-video@3-standard
    positivePrompt: a calm lake at dawn
${parts.request ?? SIZE}${parts.spec ?? ''}`;
