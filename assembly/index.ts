// The kernels' exports. Each kernel lives in its own file; this file only lists them.
export { xxhash32 } from './hash';
