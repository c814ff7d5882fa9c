export const RECORD_FORMAT_VERSION = 1;
