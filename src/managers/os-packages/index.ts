// OS package pins (apt, apk) inside Dockerfile RUN instructions: the pure extraction part.
export { findPackagePins, type FoundPins, type Pin, type SkippedPackage } from './pins.js';
