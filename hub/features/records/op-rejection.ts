/** An op refused for a named reason the device is told (out of scope, malformed, too late); the batch goes on. */
export class Rejection extends Error {}
