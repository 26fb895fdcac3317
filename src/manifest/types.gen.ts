/* Generated from schemas/video.schema.json by scripts/gen-types.mjs (npm run gen). Do not edit. */

/**
 * A reelctl Video manifest: one video to render on Runware, kept in git.
 */
export interface VideoManifest {
  /**
   * Manifest format version.
   */
  apiVersion: "reelctl/v1";
  /**
   * Resource kind.
   */
  kind: "Video";
  /**
   * Identity of the video.
   */
  metadata: {
    /**
     * Name of the video: a DNS-1123 label (a-z, 0-9, -; at most 63), unique across all manifests loaded. It is the video's identity in state.
     */
    name: string;
    /**
     * Labels for selecting videos with -l key=value.
     */
    labels?: {
      /**
       * Label value.
       */
      [k: string]: string;
    };
    /**
     * Free-form notes; never affect rendering.
     */
    annotations?: {
      [k: string]: string;
    };
  };
  /**
   * What to render and where to put it.
   */
  spec: {
    request: VideoRequest;
    /**
     * Where the video is written.
     */
    output?: {
      /**
       * Path relative to --out; default <name>.<ext of outputFormat>. Changing it moves the file, it does not re-render. Relative, inside --out (no .., not absolute), printable characters only, not ending in .json, .part or .tmp-N (names reelctl writes beside outputs), not under .archive/.
       */
      path?: string;
    };
    /**
     * true = leave this video alone: no submit, no delete.
     */
    suspend?: boolean;
    /**
     * Counter: bump it to force a fresh (paid) render of an unchanged spec.
     */
    regenerate?: number;
    /**
     * Optional budget cap for this video in USD: a render whose estimate exceeds it is not submitted.
     */
    maxCostUsd?: number;
  };
}
/**
 * Runware videoInference fields, verbatim. reelctl sets taskType, taskUUID, deliveryMethod and includeCost itself.
 */
export interface VideoRequest {
  /**
   * Identifier of the model to use for generation.
   */
  model: "klingai:kling-video@3-standard";
  /**
   * Text prompt describing what the video shows. May reference elements as <<<element_1>>>, <<<element_2>>>, … in the order of inputs.elements.
   */
  positivePrompt: string;
  /**
   * What to exclude from the generation.
   */
  negativePrompt?: string;
  /**
   * Width in pixels, always together with height. Optional: without a size (e.g. only frame images, reference images or elements) the model chooses. Known sizes: 1280×720, 720×1280, 960×960.
   */
  width?: number;
  /**
   * Height in pixels, always together with width.
   */
  height?: number;
  /**
   * Length of the video in seconds.
   */
  duration?: number;
  /**
   * Video output type.
   */
  outputType?: "URL";
  /**
   * Container of the generated file: MP4 (H.264, recommended), WEBM (web delivery) or MOV (QuickTime).
   */
  outputFormat?: "MP4" | "WEBM" | "MOV";
  /**
   * Compression quality; higher keeps more detail and makes larger files.
   */
  outputQuality?: number;
  /**
   * URL Runware POSTs each finished result to (reelctl polls anyway).
   */
  webhookURL?: string;
  /**
   * URL Runware PUTs the finished file to (e.g. a presigned S3 URL).
   */
  uploadEndpoint?: string;
  /**
   * Content safety checking.
   */
  safety?: {
    /**
     * Enable content safety checking (defaults to fast mode when enabled).
     */
    checkContent?: boolean;
    /**
     * none: no checks; fast: key frames; full: all frames.
     */
    mode?: "none" | "fast" | "full";
  };
  /**
   * Seconds the result URL stays valid (outputType URL only).
   */
  ttl?: number;
  /**
   * Include the task cost in the response (reelctl always sets it to true).
   */
  includeCost?: boolean;
  /**
   * Number of videos to generate, each with a different seed. N > 1 writes name-1 … name-N.
   */
  numberResults?: number;
  /**
   * Input resources for the task.
   */
  inputs?: {
    /**
     * Reference images for overall visual guidance.
     *
     * @minItems 1
     *
     * Items: Image input: a UUID of an uploaded image, a URL, a data URI, base64, or a local path (./file.jpg) relative to the manifest, which reelctl uploads as a data URI.
     */
    referenceImages?: [string, ...string[]];
    /**
     * Images constraining frames: 1 image → first frame; 2 → first and last. Each a plain image input or {image, frame}.
     *
     * @minItems 1
     * @maxItems 2
     *
     * Items: A plain image input, or an object pairing an image with a frame position.
     */
    frameImages?:
      | [
          | string
          | {
              /**
               * Image input: a UUID of an uploaded image, a URL, a data URI, base64, or a local path (./file.jpg) relative to the manifest, which reelctl uploads as a data URI.
               */
              image: string;
              /**
               * Target frame: first, last, 0 (first) or -1 (last).
               */
              frame?: "first" | "last" | 0 | -1 | "0" | "-1";
            }
        ]
      | [
          (
            | string
            | {
                /**
                 * Image input: a UUID of an uploaded image, a URL, a data URI, base64, or a local path (./file.jpg) relative to the manifest, which reelctl uploads as a data URI.
                 */
                image: string;
                /**
                 * Target frame: first, last, 0 (first) or -1 (last).
                 */
                frame?: "first" | "last" | 0 | -1 | "0" | "-1";
              }
          ),
          (
            | string
            | {
                /**
                 * Image input: a UUID of an uploaded image, a URL, a data URI, base64, or a local path (./file.jpg) relative to the manifest, which reelctl uploads as a data URI.
                 */
                image: string;
                /**
                 * Target frame: first, last, 0 (first) or -1 (last).
                 */
                frame?: "first" | "last" | 0 | -1 | "0" | "-1";
              }
          )
        ];
    /**
     * Reference videos.
     *
     * @minItems 1
     *
     * Items: Video input: a URL, or the UUID of a video uploaded to Runware. Local files and data URIs are refused (uploading through mediaStorage is not built yet).
     */
    referenceVideos?: [string, ...string[]];
    /**
     * Reusable assets referenced in the prompt as <<<element_N>>> in order of appearance.
     *
     * @minItems 1
     * @maxItems 3
     *
     * Items: An element: images (frontalImage + images), videos, or images with voices.
     */
    elements?:
      | [
          {
            /**
             * Unique identifier: creates a new element or reuses an existing one.
             */
            id: string;
            /**
             * Description of the element.
             */
            description?: string;
            /**
             * Frontal reference image; required for image-based elements. Image input: a UUID of an uploaded image, a URL, a data URI, base64, or a local path (./file.jpg) relative to the manifest, which reelctl uploads as a data URI.
             */
            frontalImage?: string;
            /**
             * Up to 3 more reference images (needs frontalImage).
             *
             * @minItems 1
             * @maxItems 3
             *
             * Items: Image input: a UUID of an uploaded image, a URL, a data URI, base64, or a local path (./file.jpg) relative to the manifest, which reelctl uploads as a data URI.
             */
            images?: [string] | [string, string] | [string, string, string];
            /**
             * Reference video; cannot be combined with images or voices.
             *
             * @minItems 1
             *
             * Items: Video input: a URL, or the UUID of a video uploaded to Runware. Local files and data URIs are refused (uploading through mediaStorage is not built yet).
             */
            videos?: [string, ...string[]];
            /**
             * Voice audio; may be combined with images, not with videos.
             *
             * @minItems 1
             *
             * Items: Audio input: a URL, or the UUID of audio uploaded to Runware. Local files and data URIs are refused (uploading through mediaStorage is not built yet).
             */
            voices?: [string, ...string[]];
            /**
             * Classification tags.
             *
             * @minItems 1
             *
             * Items: A tag, e.g. Character.
             */
            tags?: [string, ...string[]];
          }
        ]
      | [
          {
            /**
             * Unique identifier: creates a new element or reuses an existing one.
             */
            id: string;
            /**
             * Description of the element.
             */
            description?: string;
            /**
             * Frontal reference image; required for image-based elements. Image input: a UUID of an uploaded image, a URL, a data URI, base64, or a local path (./file.jpg) relative to the manifest, which reelctl uploads as a data URI.
             */
            frontalImage?: string;
            /**
             * Up to 3 more reference images (needs frontalImage).
             *
             * @minItems 1
             * @maxItems 3
             *
             * Items: Image input: a UUID of an uploaded image, a URL, a data URI, base64, or a local path (./file.jpg) relative to the manifest, which reelctl uploads as a data URI.
             */
            images?: [string] | [string, string] | [string, string, string];
            /**
             * Reference video; cannot be combined with images or voices.
             *
             * @minItems 1
             *
             * Items: Video input: a URL, or the UUID of a video uploaded to Runware. Local files and data URIs are refused (uploading through mediaStorage is not built yet).
             */
            videos?: [string, ...string[]];
            /**
             * Voice audio; may be combined with images, not with videos.
             *
             * @minItems 1
             *
             * Items: Audio input: a URL, or the UUID of audio uploaded to Runware. Local files and data URIs are refused (uploading through mediaStorage is not built yet).
             */
            voices?: [string, ...string[]];
            /**
             * Classification tags.
             *
             * @minItems 1
             *
             * Items: A tag, e.g. Character.
             */
            tags?: [string, ...string[]];
          },
          {
            /**
             * Unique identifier: creates a new element or reuses an existing one.
             */
            id: string;
            /**
             * Description of the element.
             */
            description?: string;
            /**
             * Frontal reference image; required for image-based elements. Image input: a UUID of an uploaded image, a URL, a data URI, base64, or a local path (./file.jpg) relative to the manifest, which reelctl uploads as a data URI.
             */
            frontalImage?: string;
            /**
             * Up to 3 more reference images (needs frontalImage).
             *
             * @minItems 1
             * @maxItems 3
             *
             * Items: Image input: a UUID of an uploaded image, a URL, a data URI, base64, or a local path (./file.jpg) relative to the manifest, which reelctl uploads as a data URI.
             */
            images?: [string] | [string, string] | [string, string, string];
            /**
             * Reference video; cannot be combined with images or voices.
             *
             * @minItems 1
             *
             * Items: Video input: a URL, or the UUID of a video uploaded to Runware. Local files and data URIs are refused (uploading through mediaStorage is not built yet).
             */
            videos?: [string, ...string[]];
            /**
             * Voice audio; may be combined with images, not with videos.
             *
             * @minItems 1
             *
             * Items: Audio input: a URL, or the UUID of audio uploaded to Runware. Local files and data URIs are refused (uploading through mediaStorage is not built yet).
             */
            voices?: [string, ...string[]];
            /**
             * Classification tags.
             *
             * @minItems 1
             *
             * Items: A tag, e.g. Character.
             */
            tags?: [string, ...string[]];
          }
        ]
      | [
          {
            /**
             * Unique identifier: creates a new element or reuses an existing one.
             */
            id: string;
            /**
             * Description of the element.
             */
            description?: string;
            /**
             * Frontal reference image; required for image-based elements. Image input: a UUID of an uploaded image, a URL, a data URI, base64, or a local path (./file.jpg) relative to the manifest, which reelctl uploads as a data URI.
             */
            frontalImage?: string;
            /**
             * Up to 3 more reference images (needs frontalImage).
             *
             * @minItems 1
             * @maxItems 3
             *
             * Items: Image input: a UUID of an uploaded image, a URL, a data URI, base64, or a local path (./file.jpg) relative to the manifest, which reelctl uploads as a data URI.
             */
            images?: [string] | [string, string] | [string, string, string];
            /**
             * Reference video; cannot be combined with images or voices.
             *
             * @minItems 1
             *
             * Items: Video input: a URL, or the UUID of a video uploaded to Runware. Local files and data URIs are refused (uploading through mediaStorage is not built yet).
             */
            videos?: [string, ...string[]];
            /**
             * Voice audio; may be combined with images, not with videos.
             *
             * @minItems 1
             *
             * Items: Audio input: a URL, or the UUID of audio uploaded to Runware. Local files and data URIs are refused (uploading through mediaStorage is not built yet).
             */
            voices?: [string, ...string[]];
            /**
             * Classification tags.
             *
             * @minItems 1
             *
             * Items: A tag, e.g. Character.
             */
            tags?: [string, ...string[]];
          },
          {
            /**
             * Unique identifier: creates a new element or reuses an existing one.
             */
            id: string;
            /**
             * Description of the element.
             */
            description?: string;
            /**
             * Frontal reference image; required for image-based elements. Image input: a UUID of an uploaded image, a URL, a data URI, base64, or a local path (./file.jpg) relative to the manifest, which reelctl uploads as a data URI.
             */
            frontalImage?: string;
            /**
             * Up to 3 more reference images (needs frontalImage).
             *
             * @minItems 1
             * @maxItems 3
             *
             * Items: Image input: a UUID of an uploaded image, a URL, a data URI, base64, or a local path (./file.jpg) relative to the manifest, which reelctl uploads as a data URI.
             */
            images?: [string] | [string, string] | [string, string, string];
            /**
             * Reference video; cannot be combined with images or voices.
             *
             * @minItems 1
             *
             * Items: Video input: a URL, or the UUID of a video uploaded to Runware. Local files and data URIs are refused (uploading through mediaStorage is not built yet).
             */
            videos?: [string, ...string[]];
            /**
             * Voice audio; may be combined with images, not with videos.
             *
             * @minItems 1
             *
             * Items: Audio input: a URL, or the UUID of audio uploaded to Runware. Local files and data URIs are refused (uploading through mediaStorage is not built yet).
             */
            voices?: [string, ...string[]];
            /**
             * Classification tags.
             *
             * @minItems 1
             *
             * Items: A tag, e.g. Character.
             */
            tags?: [string, ...string[]];
          },
          {
            /**
             * Unique identifier: creates a new element or reuses an existing one.
             */
            id: string;
            /**
             * Description of the element.
             */
            description?: string;
            /**
             * Frontal reference image; required for image-based elements. Image input: a UUID of an uploaded image, a URL, a data URI, base64, or a local path (./file.jpg) relative to the manifest, which reelctl uploads as a data URI.
             */
            frontalImage?: string;
            /**
             * Up to 3 more reference images (needs frontalImage).
             *
             * @minItems 1
             * @maxItems 3
             *
             * Items: Image input: a UUID of an uploaded image, a URL, a data URI, base64, or a local path (./file.jpg) relative to the manifest, which reelctl uploads as a data URI.
             */
            images?: [string] | [string, string] | [string, string, string];
            /**
             * Reference video; cannot be combined with images or voices.
             *
             * @minItems 1
             *
             * Items: Video input: a URL, or the UUID of a video uploaded to Runware. Local files and data URIs are refused (uploading through mediaStorage is not built yet).
             */
            videos?: [string, ...string[]];
            /**
             * Voice audio; may be combined with images, not with videos.
             *
             * @minItems 1
             *
             * Items: Audio input: a URL, or the UUID of audio uploaded to Runware. Local files and data URIs are refused (uploading through mediaStorage is not built yet).
             */
            voices?: [string, ...string[]];
            /**
             * Classification tags.
             *
             * @minItems 1
             *
             * Items: A tag, e.g. Character.
             */
            tags?: [string, ...string[]];
          }
        ];
  };
  /**
   * Provider-specific settings.
   */
  providerSettings?: {
    /**
     * Kling AI settings.
     */
    klingai?: {
      /**
       * Source of character orientation: the reference image or the reference video.
       */
      characterOrientation?: "image" | "video";
      /**
       * Keep the original sound of the reference video.
       */
      keepOriginalSound?: boolean;
      /**
       * Sequential prompt segments for multi-shot generation; their durations must add up to duration.
       *
       * @minItems 1
       * @maxItems 6
       *
       * Items: One shot.
       */
      multiPrompt?:
        | [
            {
              /**
               * Prompt of this segment.
               */
              prompt: string;
              /**
               * Seconds of this segment.
               */
              duration: number;
            }
          ]
        | [
            {
              /**
               * Prompt of this segment.
               */
              prompt: string;
              /**
               * Seconds of this segment.
               */
              duration: number;
            },
            {
              /**
               * Prompt of this segment.
               */
              prompt: string;
              /**
               * Seconds of this segment.
               */
              duration: number;
            }
          ]
        | [
            {
              /**
               * Prompt of this segment.
               */
              prompt: string;
              /**
               * Seconds of this segment.
               */
              duration: number;
            },
            {
              /**
               * Prompt of this segment.
               */
              prompt: string;
              /**
               * Seconds of this segment.
               */
              duration: number;
            },
            {
              /**
               * Prompt of this segment.
               */
              prompt: string;
              /**
               * Seconds of this segment.
               */
              duration: number;
            }
          ]
        | [
            {
              /**
               * Prompt of this segment.
               */
              prompt: string;
              /**
               * Seconds of this segment.
               */
              duration: number;
            },
            {
              /**
               * Prompt of this segment.
               */
              prompt: string;
              /**
               * Seconds of this segment.
               */
              duration: number;
            },
            {
              /**
               * Prompt of this segment.
               */
              prompt: string;
              /**
               * Seconds of this segment.
               */
              duration: number;
            },
            {
              /**
               * Prompt of this segment.
               */
              prompt: string;
              /**
               * Seconds of this segment.
               */
              duration: number;
            }
          ]
        | [
            {
              /**
               * Prompt of this segment.
               */
              prompt: string;
              /**
               * Seconds of this segment.
               */
              duration: number;
            },
            {
              /**
               * Prompt of this segment.
               */
              prompt: string;
              /**
               * Seconds of this segment.
               */
              duration: number;
            },
            {
              /**
               * Prompt of this segment.
               */
              prompt: string;
              /**
               * Seconds of this segment.
               */
              duration: number;
            },
            {
              /**
               * Prompt of this segment.
               */
              prompt: string;
              /**
               * Seconds of this segment.
               */
              duration: number;
            },
            {
              /**
               * Prompt of this segment.
               */
              prompt: string;
              /**
               * Seconds of this segment.
               */
              duration: number;
            }
          ]
        | [
            {
              /**
               * Prompt of this segment.
               */
              prompt: string;
              /**
               * Seconds of this segment.
               */
              duration: number;
            },
            {
              /**
               * Prompt of this segment.
               */
              prompt: string;
              /**
               * Seconds of this segment.
               */
              duration: number;
            },
            {
              /**
               * Prompt of this segment.
               */
              prompt: string;
              /**
               * Seconds of this segment.
               */
              duration: number;
            },
            {
              /**
               * Prompt of this segment.
               */
              prompt: string;
              /**
               * Seconds of this segment.
               */
              duration: number;
            },
            {
              /**
               * Prompt of this segment.
               */
              prompt: string;
              /**
               * Seconds of this segment.
               */
              duration: number;
            },
            {
              /**
               * Prompt of this segment.
               */
              prompt: string;
              /**
               * Seconds of this segment.
               */
              duration: number;
            }
          ];
      /**
       * The type of shot to generate.
       */
      shotType?: "intelligence";
      /**
       * Generate native audio (priced higher per second).
       */
      sound?: boolean;
    };
  };
}
