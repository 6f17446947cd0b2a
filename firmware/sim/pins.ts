/**
 * Pins and watches of a simulated board, after https://www.espruino.com/Reference#Pin ,
 * #l__global_setWatch , #l__global_digitalWrite and #l__global_pinMode :
 * - every pin the board has is a global of its name (`B3`, `LED1`), one value per pin, so pins compare equal;
 * - `new Pin(name)` gives that pin for a port-and-number name (`B3`); for a device name (`LED1`) it gives an
 *   empty pin, which is truthy but "Invalid pin" to digitalWrite, pinMode and setWatch, as Espruino 2v29 does
 *   (src/jswrap_pin.c parses only port and number); an unknown name throws "Invalid pin";
 * - setWatch(fn, pin, { repeat, edge: "rising"|"falling"|"both", debounce }) calls fn({ state, time, lastTime, pin })
 *   with times in seconds of getTime(); with `debounce` the pin must stay stable that many ms, and the reported
 *   `time` is when it settled; returns an id for clearWatch (an unknown id throws, as the reference's "Invalid ID");
 * - buttons idle high through the internal pull-up and read low while pressed (the wiring in docs/firmware.md).
 */
export interface PinHost {
  /** Device uptime in seconds (getTime). */
  time(): number;
  /** Schedules on the board's clock; cancelled when the board dies. */
  after(ms: number, fn: () => void): number;
  cancel(id: number): void;
  /** Runs a device callback (watchdog, power state). */
  call(fn: (...a: unknown[]) => unknown, args: unknown[]): void;
}

interface Watch {
  fn: (...a: unknown[]) => unknown;
  pin: string;
  repeat: boolean;
  edge: string;
  debounce: number;
  timer?: number;
  /** Last reported state and its time. */
  state: boolean;
  last: number;
  settled: number;
}

export function createPins(names: string[], host: PinHost) {
  const level = new Map<string, boolean>(names.map((n) => [n, true]));
  const out = new Map<string, boolean>();
  const modes = new Map<string, string>();
  const watches = new Map<number, Watch>();
  let nextId = 1;

  const byName = new Map<string, Pin>();
  class Pin {
    readonly name: string;
    constructor(name: unknown) {
      const port = typeof name === "string" && /^[A-Z][0-9]+$/.test(name);
      if (typeof name !== "string" || (!level.has(name) && port) || (!port && !/^[A-Z]+[0-9]*$/.test(name))) throw new Error("Invalid pin: " + String(name));
      this.name = port ? name : "";
      const known = byName.get(this.name);
      if (known) return known;
    }
    read(): boolean {
      return level.get(this.name) as boolean;
    }
    toString(): string {
      return this.name || "Pin: {  }";
    }
  }
  for (const n of names) {
    const p = Object.create(Pin.prototype) as { name: string };
    p.name = n;
    byName.set(n, p as Pin);
  }
  const nameOf = (p: unknown, where: string): string => {
    const n = p instanceof Pin && p.name ? p.name : typeof p === "string" && level.has(p) ? p : undefined;
    if (!n) throw new Error(where + ": Invalid pin " + String(p));
    return n;
  };
  const fire = (w: Watch, id: number, state: boolean, t: number) => {
    if (w.state === state) return;
    const wanted = w.edge === "both" || (w.edge === "rising") === state;
    const lastTime = w.last;
    w.state = state;
    w.last = t;
    if (!wanted) return;
    if (!w.repeat) watches.delete(id);
    host.call(w.fn, [{ state, time: t, lastTime, pin: byName.get(w.pin) }]);
  };
  /** Sets the level of an input pin as the outside world drives it. */
  const drive = (name: string, high: boolean) => {
    if (!level.has(name)) throw new Error("drive: no pin " + name);
    if (level.get(name) === high) return;
    level.set(name, high);
    const t = host.time();
    for (const [id, w] of watches) {
      if (w.pin !== name) continue;
      if (!w.debounce) {
        fire(w, id, high, t);
        continue;
      }
      if (w.timer !== undefined) host.cancel(w.timer);
      w.settled = t;
      w.timer = host.after(w.debounce, () => {
        w.timer = undefined;
        fire(w, id, level.get(name) as boolean, w.settled);
      });
    }
  };
  const api = {
    Pin,
    setWatch(fn: unknown, pin: unknown, opts: unknown): number {
      if (typeof fn !== "function") throw new Error("setWatch: function expected, got " + typeof fn);
      const name = nameOf(pin, "setWatch");
      const o = (typeof opts === "object" && opts !== null ? opts : {}) as { repeat?: boolean; edge?: string; debounce?: number };
      const edge = o.edge === undefined ? "both" : o.edge;
      if (edge !== "both" && edge !== "rising" && edge !== "falling") throw new Error("setWatch: edge must be rising, falling or both, got " + edge);
      const debounce = o.debounce === undefined ? 0 : Number(o.debounce);
      if (!(debounce >= 0)) throw new Error("setWatch: bad debounce " + o.debounce);
      const id = nextId++;
      const s = level.get(name) as boolean;
      watches.set(id, { fn: fn as Watch["fn"], pin: name, repeat: !!o.repeat, edge, debounce, state: s, last: host.time(), settled: 0 });
      return id;
    },
    clearWatch(id?: unknown): void {
      if (id === undefined) return watches.clear();
      if (!watches.has(id as number)) throw new Error("clearWatch: Invalid ID " + String(id));
      watches.delete(id as number);
    },
    digitalWrite(pin: unknown, v: unknown): void {
      const name = nameOf(pin, "digitalWrite");
      out.set(name, !!v);
      if (!modes.has(name)) modes.set(name, "output");
    },
    digitalRead(pin: unknown): number {
      return level.get(nameOf(pin, "digitalRead")) ? 1 : 0;
    },
    pinMode(pin: unknown, mode: unknown): void {
      const name = nameOf(pin, "pinMode");
      const ok = ["analog", "input", "input_pullup", "input_pulldown", "output", "opendrain", "af_output", "af_opendrain", "auto"];
      if (typeof mode !== "string" || !ok.includes(mode)) throw new Error("pinMode: unknown mode " + String(mode));
      modes.set(name, mode);
    },
  };
  return {
    api,
    /** The board's pins as the globals Espruino defines for them. */
    globals: Object.fromEntries(byName),
    drive,
    /** Whether an output pin is high. */
    output: (name: string) => out.get(name) === true,
    mode: (name: string) => modes.get(name),
    watchCount: () => watches.size,
  };
}
