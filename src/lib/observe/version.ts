/**
 * The app version recorded on every trace (and as `service.version` in OTLP exports). A named
 * import from package.json: Vite inlines just this one string, so no build-time define is needed.
 */
import { version } from '../../../package.json';

export const APP_VERSION: string = version;
