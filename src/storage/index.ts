// S3 for streambench: settings, client, embedded server, upload/verify/delete, listing/download.
export { createS3Client, describeS3, polarsCloudOptions, s3SettingsFromAccess, type S3Settings } from "./client.ts";
export { getObjectBuffer, listObjects, type ObjectInfo } from "./objects.ts";
export { DEFAULT_BUCKET, DEFAULT_REGION, resolveBucket, s3SettingsFromEnv, toS3Access, type S3Overrides } from "./settings.ts";
export { ObjectIntegrityError, s3Fault } from "./faults.ts";
export { ensureBucket } from "./bucket.ts";
export { deleteTree, sha256File, uploadTree, verifyObject, walkFiles, type UploadOptions, type UploadResult } from "./upload.ts";
export { startEmbeddedS3, type EmbeddedS3 } from "./embedded.ts";
