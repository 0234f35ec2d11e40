import packageJson from '../../package.json' with { type: 'json' };

/** The app's version (package.json), recorded in every run. */
export function appVersion(): string {
  return packageJson.version;
}
