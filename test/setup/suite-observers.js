'use strict';
// Runs before each jest suite: what the suite starts watching the process with stops when it ends.
// prom-client's default metrics (src/telemetry/metrics.service.ts, once per process: the service
// runs one app per process) start a garbage-collection PerformanceObserver and an event loop delay
// monitor that nothing stops. Under jest each suite loads the modules into a registry of its own,
// so each suite started its own, and Node's list of observers kept that suite's whole module
// registry alive for the rest of the worker: the workers' heaps grew suite by suite. Node's own
// perf_hooks is one module for every suite of the worker; the patch is undone after the suite.
const perfHooks = require('node:perf_hooks');

const observers = new Set();
const monitors = [];
const { observe } = perfHooks.PerformanceObserver.prototype;
const { monitorEventLoopDelay } = perfHooks;
perfHooks.PerformanceObserver.prototype.observe = function observeForThisSuite(...args) {
  observers.add(this);
  return observe.apply(this, args);
};
perfHooks.monitorEventLoopDelay = function monitorForThisSuite(...args) {
  const histogram = monitorEventLoopDelay.apply(this, args);
  monitors.push(histogram);
  return histogram;
};
afterAll(() => {
  for (const observer of observers) observer.disconnect();
  for (const histogram of monitors) histogram.disable();
  perfHooks.PerformanceObserver.prototype.observe = observe;
  perfHooks.monitorEventLoopDelay = monitorEventLoopDelay;
});
