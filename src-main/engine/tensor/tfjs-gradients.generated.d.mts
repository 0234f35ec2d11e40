// Side-effect module produced by scripts/build-gradients.mjs at install time.
export {};
