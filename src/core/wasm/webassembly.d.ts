// The WebAssembly JS API subset Flint uses; @types/node 20 does not declare it.
declare namespace WebAssembly {
  class Module {
    constructor(bytes: BufferSource);
  }
  class Instance {
    constructor(module: Module, imports?: Record<string, Record<string, unknown>>);
    readonly exports: Record<string, unknown>;
  }
  class Memory {
    constructor(descriptor: { initial: number; maximum?: number; shared?: boolean });
    readonly buffer: ArrayBuffer;
    grow(pages: number): number;
  }
  class RuntimeError extends Error {}
  function instantiate(bytes: BufferSource, imports?: Record<string, Record<string, unknown>>): Promise<{ module: Module; instance: Instance }>;
}
