// First: the endpoint's Content-Security-Policy must be in place before any code can connect.
import './lib/endpoint/csp-boot';
// Next: the demo engine's worker, if the address asks for it, loads while the app starts.
import './lib/engine/early-boot';
import { mount } from 'svelte';
import App from './App.svelte';
import './styles/app.css';

const target = document.getElementById('app');
if (!target) throw new Error('index.html has no #app element');

// index.html's splash stays until the app's first render takes its place.
target.replaceChildren();
export default mount(App, { target });
