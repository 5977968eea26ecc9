/** Every handler takes "now" from here, never from Date.now(), so a simulation can replay months in seconds. */
export interface Clock {
  now(): Date;
}
