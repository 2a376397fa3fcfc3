// A small seeded PRNG (sfc32 seeded through splitmix32) standing in for Python's `random` and Faker in
// nise. Same seed, same sequence, so the same manifest and seed give byte-identical output. It does not
// reproduce Python's Mersenne Twister: random defaults are nise-shaped, not nise-equal.

function splitmix32(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x9e3779b9) >>> 0;
    let z = s;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0;
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0;
    return (z ^ (z >>> 16)) >>> 0;
  };
}

const WORDS = (
  "alpha bravo cedar delta ember falcon garnet harbor iris juniper kepler lotus maple nova orbit pine quartz " +
  "raven sierra tango umber violet willow xenon yarrow zephyr amber basil coral dune echo fern glade hazel " +
  "indigo jade kite lumen meadow north onyx pearl quill ridge sable thistle upland vale wren yonder zinc " +
  "account action answer apple arrive author autumn balance basket beacon bridge bright brother budget " +
  "button camera candle canvas carbon castle center chance change charge circle climate cloud coast " +
  "column comfort common corner cotton county course credit crystal current danger debate decade design " +
  "detail device dinner direct doctor dollar domain double dragon driver effort eleven empire energy " +
  "engine enough entire escape estate evening expert fabric factor family farmer father figure filter " +
  "finger forest format fossil friend future galaxy garden gather gentle global golden ground growth " +
  "guitar hammer health height hollow honest island jacket jungle junior kernel kitchen ladder launch " +
  "leader legend lesson letter liquid little lumber magnet manner marble market master matter member " +
  "method middle minute mirror moment monkey mother motion museum narrow nation nature needle number " +
  "object office orange outer oxygen packet palace parent pencil people pepper period planet plastic " +
  "pocket poetry policy powder prairie praise proof public puzzle rabbit random record region remote " +
  "report result ribbon river rocket salmon sample season second signal silver simple single sister " +
  "socket spirit spring square stable status stream street studio summer supply switch symbol system " +
  "tablet target temple theory thread ticket timber tomato travel tunnel turtle twelve united valley " +
  "velvet vessel victory village vision volume wallet weather window winter wisdom wonder yellow"
).split(" ");

export class Prng {
  private a: number;
  private b: number;
  private c: number;
  private d: number;

  constructor(seed: number) {
    const sm = splitmix32(seed);
    this.a = sm();
    this.b = sm();
    this.c = sm();
    this.d = sm();
    for (let i = 0; i < 12; i++) this.next32();
  }

  /** A derived, independent generator (e.g. one per month and generator). */
  fork(salt: number): Prng {
    return new Prng((this.next32() ^ Math.imul(salt + 1, 0x27d4eb2d)) >>> 0);
  }

  next32(): number {
    const t = (((this.a + this.b) >>> 0) + this.d) >>> 0;
    this.d = (this.d + 1) >>> 0;
    this.a = this.b ^ (this.b >>> 9);
    this.b = (this.c + (this.c << 3)) >>> 0;
    this.c = ((this.c << 21) | (this.c >>> 11)) >>> 0;
    this.c = (this.c + t) >>> 0;
    return t;
  }

  /** Uniform in [0, 1) with 53 random bits, like Python's random(). */
  random(): number {
    const hi = this.next32() >>> 5;
    const lo = this.next32() >>> 6;
    return (hi * 67108864 + lo) / 9007199254740992;
  }

  /** Python `uniform(a, b)` = a + (b - a) * random() (also when a > b). */
  uniform(a: number, b: number): number {
    return a + (b - a) * this.random();
  }

  /** Python `randint(a, b)`, both ends included. */
  randint(a: number, b: number): number {
    return a + Math.floor(this.random() * (b - a + 1));
  }

  choice<T>(items: readonly T[]): T {
    return items[Math.floor(this.random() * items.length)];
  }

  /** `uuid4().hex[:n]`-like lowercase hex. */
  hex(n: number): string {
    let s = "";
    while (s.length < n) s += this.next32().toString(16).padStart(8, "0");
    return s.slice(0, n);
  }

  /** Stand-in for `faker.word()`. */
  word(): string {
    return this.choice(WORDS);
  }
}
