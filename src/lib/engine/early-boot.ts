// Imported second by main.ts, right after the CSP: see startEarly.
import { startEarly } from './spawn';

startEarly(location.search);
