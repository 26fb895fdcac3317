#!/usr/bin/env python3
"""Writes test/fixtures/invalid/NNN-<slug>.yaml: one bad manifest each, first line `# expect: CODE @ L:C`.
The marker ⟦ in a case's text marks where the problem must be reported; it is removed from the file."""
import os, re
OUT = os.path.join(os.path.dirname(__file__), '..', 'test', 'fixtures', 'invalid')

def m(request='', meta='  name: bad-video\n', spec_extra='', head='apiVersion: reelctl/v1\nkind: Video\n'):
    req = request or ('    model: klingai:kling-video@3-standard\n'
                      '    positivePrompt: a calm lake at dawn\n'
                      '    width: 1280\n    height: 720\n')
    return f"{head}metadata:\n{meta}spec:\n  request:\n{req}{spec_extra}"

M = '    model: klingai:kling-video@3-standard\n'
P = '    positivePrompt: a calm lake at dawn\n'
WH = '    width: 1280\n    height: 720\n'
cases = []
def c(slug, code, text): cases.append((slug, code, text))

# --- top level / envelope
c('api-version-wrong', 'schema.const', m(head='apiVersion: ⟦reelctl/v2\nkind: Video\n'))
c('kind-wrong', 'schema.const', m(head='apiVersion: reelctl/v1\nkind: ⟦Movie\n'))
c('missing-kind', 'schema.required', '⟦apiVersion: reelctl/v1\nmetadata:\n  name: a-b\nspec:\n  request:\n' + M + P + WH)
c('missing-metadata', 'schema.required', '⟦apiVersion: reelctl/v1\nkind: Video\nspec:\n  request:\n' + M + P + WH)
c('missing-spec', 'schema.required', '⟦apiVersion: reelctl/v1\nkind: Video\nmetadata:\n  name: a-b\n')
c('unknown-top-field', 'schema.unknown-field', m() + '⟦status: done\n')
c('scalar-document', 'schema.type', '⟦just a string\n')
c('list-document', 'schema.type', '⟦- a\n- b\n')
c('spec-not-map', 'schema.type', 'apiVersion: reelctl/v1\nkind: Video\nmetadata:\n  name: a-b\nspec: ⟦[1, 2]\n')
# --- metadata
c('name-missing', 'schema.required', m(meta='  ⟦labels: {a: b}\n'))
c('name-uppercase', 'schema.name', m(meta='  name: ⟦Bad-Name\n'))
c('name-underscore', 'schema.name', m(meta='  name: ⟦bad_name\n'))
c('name-leading-dash', 'schema.name', m(meta='  name: ⟦-bad\n'))
c('name-trailing-dash', 'schema.name', m(meta='  name: ⟦bad-\n'))
c('name-too-long', 'schema.name', m(meta='  name: ⟦' + 'a' * 64 + '\n'))
c('name-number', 'schema.type', m(meta='  name: ⟦12345\n'))
c('name-empty', 'schema.name', m(meta='  name: ⟦""\n'))
c('labels-not-map', 'schema.type', m(meta='  name: a-b\n  labels: ⟦[x, y]\n'))
c('label-value-number', 'schema.type', m(meta='  name: a-b\n  labels:\n    tier: ⟦3\n'))
c('label-key-proto', 'schema.key', m(meta='  name: a-b\n  labels:\n    ⟦__proto__: polluted\n'))
c('metadata-unknown', 'schema.unknown-field', m(meta='  name: a-b\n  ⟦namespace: prod\n'))
# --- spec
c('request-missing', 'schema.required', 'apiVersion: reelctl/v1\nkind: Video\nmetadata:\n  name: a-b\nspec:\n  ⟦suspend: true\n')
c('spec-unknown', 'schema.unknown-field', m(spec_extra='  ⟦replicas: 2\n'))
c('suspend-string', 'schema.type', m(spec_extra='  suspend: ⟦"yes"\n'))
c('regenerate-negative', 'schema.minimum', m(spec_extra='  regenerate: ⟦-1\n'))
c('regenerate-float', 'schema.type', m(spec_extra='  regenerate: ⟦1.5\n'))
c('output-unknown', 'schema.unknown-field', m(spec_extra='  output:\n    ⟦dir: x\n'))
c('output-path-dotdot', 'path.escape', m(spec_extra='  output:\n    path: ⟦../escape.mp4\n'))
c('output-path-absolute', 'path.escape', m(spec_extra='  output:\n    path: ⟦/etc/passwd\n'))
c('output-path-nested-dotdot', 'path.escape', m(spec_extra='  output:\n    path: ⟦a/../../b.mp4\n'))
c('output-path-empty', 'schema.minLength', m(spec_extra='  output:\n    path: ⟦""\n'))
c('output-path-dir', 'path.escape', m(spec_extra='  output:\n    path: ⟦videos/\n'))
c('max-cost-negative', 'schema.minimum', m(spec_extra='  maxCostUsd: ⟦-2\n'))
# --- request: owned fields
c('owned-task-type', 'rule.owned-field', m(request=M + P + WH + '    ⟦taskType: videoInference\n'))
c('owned-task-uuid', 'rule.owned-field', m(request=M + P + WH + '    ⟦taskUUID: 236ba4b9-e789-4ff4-8fa9-7ca57ab56210\n'))
c('owned-delivery', 'rule.owned-field', m(request=M + P + WH + '    ⟦deliveryMethod: sync\n'))
# --- request: schema
c('model-missing', 'schema.required', m(request='    ⟦positivePrompt: a calm lake\n' + WH))
c('model-unknown', 'schema.enum', m(request='    model: ⟦klingai:kling-video@9\n' + P + WH))
c('prompt-missing', 'schema.required', m(request='    ⟦model: klingai:kling-video@3-standard\n' + WH))
c('prompt-too-short', 'schema.minLength', m(request=M + '    positivePrompt: ⟦a\n' + WH))
c('prompt-too-long', 'schema.maxLength', m(request=M + '    positivePrompt: ⟦' + 'x' * 2501 + '\n' + WH))
c('prompt-number', 'schema.type', m(request=M + '    positivePrompt: ⟦42\n' + WH))
c('negative-too-short', 'schema.minLength', m(request=M + P + '    negativePrompt: ⟦x\n' + WH))
c('duration-too-long', 'schema.maximum', m(request=M + P + WH + '    duration: ⟦16\n'))
c('duration-too-short', 'schema.minimum', m(request=M + P + WH + '    duration: ⟦2\n'))
c('duration-float', 'schema.type', m(request=M + P + WH + '    duration: ⟦5.5\n'))
c('duration-string', 'schema.type', m(request=M + P + WH + '    duration: ⟦"5"\n'))
c('width-string', 'schema.type', m(request=M + P + '    width: ⟦"1280"\n    height: 720\n'))
c('output-type', 'schema.enum', m(request=M + P + WH + '    outputType: ⟦base64Data\n'))
c('output-format', 'schema.enum', m(request=M + P + WH + '    outputFormat: ⟦GIF\n'))
c('output-format-lower', 'schema.enum', m(request=M + P + WH + '    outputFormat: ⟦mp4\n'))
c('quality-low', 'schema.minimum', m(request=M + P + WH + '    outputQuality: ⟦19\n'))
c('quality-high', 'schema.maximum', m(request=M + P + WH + '    outputQuality: ⟦100\n'))
c('number-results-zero', 'schema.minimum', m(request=M + P + WH + '    numberResults: ⟦0\n'))
c('number-results-five', 'schema.maximum', m(request=M + P + WH + '    numberResults: ⟦5\n'))
c('ttl-low', 'schema.minimum', m(request=M + P + WH + '    ttl: ⟦59\n'))
c('webhook-not-uri', 'schema.format', m(request=M + P + WH + '    webhookURL: ⟦not a uri\n'))
c('upload-not-uri', 'schema.format', m(request=M + P + WH + '    uploadEndpoint: ⟦just words\n'))
c('safety-mode', 'schema.enum', m(request=M + P + WH + '    safety:\n      mode: ⟦paranoid\n'))
c('safety-check-string', 'schema.type', m(request=M + P + WH + '    safety:\n      checkContent: ⟦"true"\n'))
c('safety-unknown', 'schema.unknown-field', m(request=M + P + WH + '    safety:\n      ⟦level: 3\n'))
c('include-cost-string', 'schema.type', m(request=M + P + WH + '    includeCost: ⟦"yes"\n'))
c('request-unknown-field', 'schema.unknown-field', m(request=M + P + WH + '    ⟦CFGScale: 7\n'))
c('request-typo', 'schema.unknown-field', m(request=M + P + WH + '    ⟦durations: 5\n'))
c('inputs-unknown', 'schema.unknown-field', m(request=M + P + WH + '    inputs:\n      ⟦audio: [x]\n'))
c('reference-images-empty', 'schema.minItems', m(request=M + P + WH + '    inputs:\n      referenceImages: ⟦[]\n'))
c('reference-images-number', 'schema.type', m(request=M + P + WH + '    inputs:\n      referenceImages: [⟦1]\n'))
c('reference-videos-empty-string', 'schema.minLength', m(request=M + P + WH + '    inputs:\n      referenceVideos: [⟦""]\n'))
c('frame-images-empty', 'schema.minItems', m(request=M + P + '    inputs:\n      frameImages: ⟦[]\n'))
c('frame-images-three', 'schema.maxItems', m(request=M + P + '    inputs:\n      frameImages: ⟦[a1, b2, c3]\n'))
c('frame-image-bad-frame', 'schema.shape', m(request=M + P + '    inputs:\n      frameImages:\n        - ⟦image: https://x.example/a.jpg\n          frame: middle\n'))
c('frame-image-missing-image', 'schema.shape', m(request=M + P + '    inputs:\n      frameImages:\n        - ⟦frame: first\n'))
c('frame-image-number', 'schema.shape', m(request=M + P + '    inputs:\n      frameImages: [⟦7]\n'))
c('elements-four', 'schema.maxItems', m(request=M + P + WH + '    inputs:\n      elements: ⟦[{id: a}, {id: b}, {id: c}, {id: d}]\n'))
c('element-no-id', 'schema.required', m(request=M + P + WH + '    inputs:\n      elements:\n        - ⟦description: no id\n'))
c('element-unknown', 'schema.unknown-field', m(request=M + P + WH + '    inputs:\n      elements:\n        - id: a\n          ⟦pose: standing\n'))
c('element-images-four', 'schema.maxItems', m(request=M + P + WH + '    inputs:\n      elements:\n        - id: a\n          frontalImage: f1\n          images: ⟦[a, b, c, d]\n'))
c('element-tags-empty', 'schema.minItems', m(request=M + P + WH + '    inputs:\n      elements:\n        - id: a\n          tags: ⟦[]\n'))
c('provider-unknown', 'schema.unknown-field', m(request=M + P + WH + '    providerSettings:\n      ⟦openai: {}\n'))
c('kling-unknown', 'schema.unknown-field', m(request=M + P + WH + '    providerSettings:\n      klingai:\n        ⟦fps: 60\n'))
c('orientation-bad', 'schema.enum', m(request=M + P + WH + '    providerSettings:\n      klingai:\n        characterOrientation: ⟦left\n'))
c('shot-type-bad', 'schema.enum', m(request=M + P + WH + '    providerSettings:\n      klingai:\n        shotType: ⟦closeup\n'))
c('sound-string', 'schema.type', m(request=M + P + WH + '    providerSettings:\n      klingai:\n        sound: ⟦"on"\n'))
c('multiprompt-seven', 'schema.maxItems', m(request=M + P + WH + '    duration: 7\n    providerSettings:\n      klingai:\n        multiPrompt: ⟦[' + ', '.join(['{prompt: shot, duration: 1}'] * 7) + ']\n'))
c('multiprompt-no-duration', 'schema.required', m(request=M + P + WH + '    providerSettings:\n      klingai:\n        multiPrompt:\n          - ⟦prompt: one shot\n'))
# --- request: rules
c('width-without-height', 'schema.dependentRequired', m(request=M + P + '    width: ⟦1280\n'))
c('height-without-width', 'schema.dependentRequired', m(request=M + P + '    height: ⟦720\n'))
c('multiprompt-sum-short', 'rule.multiprompt-duration', m(request=M + P + WH + '    duration: 8\n    providerSettings:\n      klingai:\n        multiPrompt:\n          ⟦- {prompt: first shot, duration: 3}\n          - {prompt: second shot, duration: 3}\n'))
c('multiprompt-sum-default', 'rule.multiprompt-duration', m(request=M + P + WH + '    providerSettings:\n      klingai:\n        multiPrompt:\n          ⟦- {prompt: first shot, duration: 3}\n          - {prompt: second shot, duration: 3}\n'))
c('element-ref-missing', 'rule.element-ref', m(request=M + '    positivePrompt: ⟦<<<element_1>>> walks in the rain\n' + WH))
c('element-ref-too-high', 'rule.element-ref', m(request=M + '    positivePrompt: ⟦<<<element_2>>> walks\n' + WH + '    inputs:\n      elements: [{id: a}]\n'))
c('element-images-no-frontal', 'schema.dependentRequired', m(request=M + P + WH + '    inputs:\n      elements:\n        - id: a\n          images: ⟦[i1]\n'))
c('element-videos-with-images', 'schema.combination', m(request=M + P + WH + '    inputs:\n      elements:\n        - id: a\n          frontalImage: ⟦f1\n          videos: [v1]\n'))
c('element-videos-with-voices', 'schema.combination', m(request=M + P + WH + '    inputs:\n      elements:\n        - id: a\n          videos: [v1]\n          voices: ⟦[s1]\n'))
# --- local inputs
c('local-input-missing', 'path.missing', m(request=M + P + '    inputs:\n      frameImages: [⟦./nope.jpg]\n'))
c('local-input-escape', 'path.escape', m(request=M + P + '    inputs:\n      frameImages: [⟦../../../etc/hostname]\n'))
c('local-input-absolute', 'path.absolute', m(request=M + P + WH + '    inputs:\n      referenceImages: [⟦/etc/hostname]\n'))
c('local-reference-video', 'input.local-media', m(request=M + P + '    inputs:\n      referenceVideos: [⟦./clip.mp4]\n'))
c('local-element-video', 'input.local-media', m(request=M + P + '    inputs:\n      elements:\n        - id: a\n          videos: [⟦../clips/walk.mov]\n'))
c('local-element-voice', 'input.local-media', m(request=M + P + '    inputs:\n      elements:\n        - id: a\n          frontalImage: f1\n          voices: [⟦./voice.mp3]\n'))
c('data-uri-reference-video', 'input.data-uri', m(request=M + P + '    inputs:\n      referenceVideos: [⟦"data:video/mp4;base64,AAAA"]\n'))
# --- YAML level
c('yaml-duplicate-key', 'yaml.duplicate-key', m(request=M + P + WH + '    ⟦width: 1280\n'))
c('yaml-tab-indent', 'yaml.syntax', 'apiVersion: reelctl/v1\nkind: Video\nmetadata:\n⟦\tname: a-b\n')
c('yaml-unclosed-quote', 'yaml.syntax', m(request=M + '    positivePrompt: "unterminated\n' + WH) + '⟦')
c('yaml-compact-nested', 'yaml.syntax', 'apiVersion: reelctl/v1\nkind: Video\nmetadata:\n  name: ⟦a-b: c\nspec: {}\n')
c('yaml-unclosed-flow', 'yaml.syntax', m(request=M + P + WH + '    inputs: {referenceImages: [a\n') + '⟦')
c('yaml-undefined-alias', 'yaml.syntax', m(request=M + '    positivePrompt: ⟦*nothing\n' + WH))
c('yaml-yes-is-string', 'schema.type', m(spec_extra='  suspend: ⟦yes\n'))
bomb = 'a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]\n'
for i, (x, y) in enumerate(zip('bcdefghi', 'abcdefgh')):
    bomb += f'{x}: &{x} [' + ','.join([f'*{y}'] * 9) + ']\n'
c('yaml-billion-laughs', 'yaml.aliases', '⟦' + bomb)
c('second-document-invalid', 'schema.type', m() + '---\n' + m(meta='  name: second-one\n', spec_extra='  regenerate: ⟦"x"\n'))

def main():
    os.makedirs(OUT, exist_ok=True)
    for f in os.listdir(OUT):
        if f.endswith('.yaml'): os.remove(os.path.join(OUT, f))
    for i, (slug, code, text) in enumerate(cases, 1):
        idx = text.index('⟦')
        before = text[:idx]
        line = before.count('\n') + 2  # +1 for 1-based, +1 for the expect header line
        col = idx - (before.rfind('\n') + 1) + 1
        body = text.replace('⟦', '', 1)
        with open(os.path.join(OUT, f'{i:03d}-{slug}.yaml'), 'w') as fh:
            fh.write(f'# expect: {code} @ {line}:{col}\n{body}')
    print(f'{len(cases)} cases')
main()
