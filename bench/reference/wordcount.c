/* C reference of Flint's word-count kernel, the same algorithm as assembly/ (combine.ts, table.ts,
 * hash.ts, packed.ts): find whitespace 16 bytes at a time, fold a count per token into one
 * insertion-ordered open-addressing table probed with a fast mix hash, then assign each distinct
 * key its partition (xxHash32 % n) and write the partitions out. Reads the corpus from a file, processes it in 1 MB chunks cut at line
 * ends, repeats, and prints the median MB/s, the number of distinct keys and the top 10 words.
 * With a fourth argument `scan` it only counts the bytes <= 0x20, 16 at a time, over the whole
 * file in memory: the memory-speed ceiling of any word count.
 * Build: cc -O2 -o wordcount wordcount.c
 * As WebAssembly (the same source; sse2-wasm.h maps the intrinsics): see buildReferenceWasm in
 * build.ts. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define P1 0x9e3779b1u
#define P2 0x85ebca77u
#define P3 0xc2b2ae3du
#define P4 0x27d4eb2fu
#define P5 0x165667b1u

static inline uint32_t rotl(uint32_t x, int r) { return (x << r) | (x >> (32 - r)); }
static inline uint32_t rd32(const uint8_t *p) { uint32_t v; memcpy(&v, p, 4); return v; }

static uint32_t xxh32(const uint8_t *p, size_t len) {
  const uint8_t *end = p + len;
  uint32_t h;
  if (len >= 16) {
    uint32_t v1 = P1 + P2, v2 = P2, v3 = 0, v4 = 0 - P1;
    const uint8_t *limit = end - 16;
    do {
      v1 = rotl(v1 + rd32(p) * P2, 13) * P1;
      v2 = rotl(v2 + rd32(p + 4) * P2, 13) * P1;
      v3 = rotl(v3 + rd32(p + 8) * P2, 13) * P1;
      v4 = rotl(v4 + rd32(p + 12) * P2, 13) * P1;
      p += 16;
    } while (p <= limit);
    h = rotl(v1, 1) + rotl(v2, 7) + rotl(v3, 12) + rotl(v4, 18);
  } else {
    h = P5;
  }
  h += (uint32_t)len;
  while (p + 4 <= end) { h = rotl(h + rd32(p) * P3, 17) * P4; p += 4; }
  while (p < end) { h = rotl(h + (*p) * P5, 11) * P1; p++; }
  h ^= h >> 15; h *= P2; h ^= h >> 13; h *= P3; h ^= h >> 16;
  return h;
}

/* The table of assembly/table.ts: 32-byte buckets holding the entry itself, so a lookup touches
 * one cache line: key (16 bytes inline, zero-padded; longer keys: u32 arena offset, u32 probe
 * hash) | value | len | entry index + 1 (0 = free). An order array keeps insertion order. Short
 * keys are read as one 16-byte vector and masked, so inputs keep 16 bytes of slack. */
#ifdef __wasm__
#include "sse2-wasm.h"
#else
#include <emmintrin.h>
#endif
#define BUCKET 32
#define INLINE_KEY 16

typedef struct {
  uint32_t cap, count, order_cap, arena_len, arena_cap;
  uint8_t *buckets;
  uint32_t *order;
  uint8_t *arena;
} table;

static void table_init(table *t) {
  t->cap = 64; t->count = 0; t->order_cap = 32; t->arena_len = 0; t->arena_cap = 1024;
  t->buckets = calloc(t->cap, BUCKET);
  t->order = malloc(4 * (size_t)t->order_cap);
  t->arena = malloc(t->arena_cap + 16);
}

static void table_clear(table *t) { memset(t->buckets, 0, (size_t)BUCKET * t->cap); t->count = 0; t->arena_len = 0; }

static inline uint64_t rd64(const uint8_t *p) { uint64_t v; memcpy(&v, p, 8); return v; }
static inline uint32_t rd32u(const uint8_t *p) { uint32_t v; memcpy(&v, p, 4); return v; }

static inline uint64_t key_word(const uint8_t *key, uint32_t len, uint32_t at) {
  if (len <= at) return 0;
  uint64_t w = rd64(key + at);
  uint32_t rest = len - at;
  return rest >= 8 ? w : w & ((1ull << (rest * 8)) - 1);
}

/* shortKey: one load, bytes past the key zeroed. */
static inline __m128i short_key(const uint8_t *key, uint32_t len) {
  const __m128i lanes = _mm_setr_epi8(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15);
  return _mm_and_si128(_mm_loadu_si128((const __m128i *)key), _mm_cmpgt_epi8(_mm_set1_epi8((char)len), lanes));
}

/* assembly/table.ts probeHash: for short keys two independent multiplies, folded; longer keys a
 * multiply-xorshift mix of their 8-byte words. */
static inline uint32_t probe_hash_short(__m128i k, uint32_t len) {
  uint64_t w0 = (uint64_t)_mm_cvtsi128_si64(k), w1 = (uint64_t)_mm_cvtsi128_si64(_mm_unpackhi_epi64(k, k));
  uint64_t h = (w0 ^ ((uint64_t)len << 56)) * 0x9e3779b97f4a7c15ull;
  h ^= w1 * 0xbf58476d1ce4e5b9ull;
  return (uint32_t)((h ^ (h >> 29)) >> 32);
}

static uint32_t probe_hash_long(const uint8_t *key, uint32_t len) {
  uint64_t h = (uint64_t)len * 0x9e3779b97f4a7c15ull;
  for (uint32_t i = 0; i < len; i += 8) {
    h = (h ^ key_word(key, len, i)) * 0xbf58476d1ce4e5b9ull;
    h ^= h >> 29;
  }
  return (uint32_t)(h >> 32);
}

static inline uint8_t *entry_at(const table *t, uint32_t e) { return t->buckets + (size_t)t->order[e] * BUCKET; }
static inline uint32_t entry_len(const uint8_t *bp) { return rd32u(bp + 24); }
static inline uint32_t entry_hash(const uint8_t *bp) {
  uint32_t len = entry_len(bp);
  return len <= INLINE_KEY ? probe_hash_short(_mm_loadu_si128((const __m128i *)bp), len) : rd32u(bp + 4);
}
static inline const uint8_t *entry_key(const table *t, const uint8_t *bp) {
  return entry_len(bp) <= INLINE_KEY ? bp : t->arena + rd32u(bp);
}

static void rehash(table *t, uint32_t cap) {
  uint8_t *nb = calloc(cap, BUCKET);
  uint32_t mask = cap - 1;
  for (uint32_t e = 0; e < t->count; e++) {
    const uint8_t *ob = entry_at(t, e);
    uint32_t i = entry_hash(ob) & mask;
    while (rd32u(nb + (size_t)i * BUCKET + 28)) i = (i + 1) & mask;
    memcpy(nb + (size_t)i * BUCKET, ob, BUCKET);
    t->order[e] = i;
  }
  free(t->buckets);
  t->buckets = nb;
  t->cap = cap;
}

/* Off the per-token path: a key is new once per table. */
static __attribute__((noinline)) void insert_entry(table *t, uint8_t *bp, const uint8_t *key, uint32_t len, uint32_t h, int64_t v) {
  if (t->count == t->order_cap) { t->order_cap <<= 1; t->order = realloc(t->order, 4 * (size_t)t->order_cap); }
  uint32_t e = t->count++;
  if (len <= INLINE_KEY) _mm_storeu_si128((__m128i *)bp, short_key(key, len));
  else {
    if (t->arena_len + len > t->arena_cap) {
      while (t->arena_len + len > t->arena_cap) t->arena_cap <<= 1;
      t->arena = realloc(t->arena, t->arena_cap + 16);
    }
    memcpy(t->arena + t->arena_len, key, len);
    memcpy(bp, &t->arena_len, 4); memcpy(bp + 4, &h, 4); memset(bp + 8, 0, 8);
    t->arena_len += len;
  }
  uint32_t index = e + 1;
  memcpy(bp + 16, &v, 8); memcpy(bp + 24, &len, 4); memcpy(bp + 28, &index, 4);
  t->order[e] = (uint32_t)((bp - t->buckets) / BUCKET);
  if (t->count * 2 > t->cap) rehash(t, t->cap << 1);
}

static inline void table_add_short(table *t, const uint8_t *key, uint32_t len, __m128i k, uint32_t h, int64_t v) {
  uint32_t mask = t->cap - 1, i = h & mask;
  uint8_t *bp = t->buckets + (size_t)i * BUCKET;
  while (rd32u(bp + 28)) {
    if (_mm_movemask_epi8(_mm_cmpeq_epi8(_mm_loadu_si128((const __m128i *)bp), k)) == 0xffff && entry_len(bp) == len) {
      int64_t cur; memcpy(&cur, bp + 16, 8); cur += v; memcpy(bp + 16, &cur, 8);
      return;
    }
    i = (i + 1) & mask;
    bp = t->buckets + (size_t)i * BUCKET;
  }
  insert_entry(t, bp, key, len, h, v);
}

static void table_add_long(table *t, const uint8_t *key, uint32_t len, uint32_t h, int64_t v) {
  uint32_t mask = t->cap - 1, i = h & mask;
  uint8_t *bp = t->buckets + (size_t)i * BUCKET;
  while (rd32u(bp + 28)) {
    if (entry_len(bp) == len && rd32u(bp + 4) == h && memcmp(t->arena + rd32u(bp), key, len) == 0) {
      int64_t cur; memcpy(&cur, bp + 16, 8); cur += v; memcpy(bp + 16, &cur, 8);
      return;
    }
    i = (i + 1) & mask;
    bp = t->buckets + (size_t)i * BUCKET;
  }
  insert_entry(t, bp, key, len, h, v);
}

/* As the kernel: every token goes into one table; partitions are assigned afterwards. */
static inline void add_token(table *t, const uint8_t *start, uint32_t len) {
  if (len > INLINE_KEY) { table_add_long(t, start, len, probe_hash_long(start, len), 1); return; }
  __m128i k = short_key(start, len);
  table_add_short(t, start, len, k, probe_hash_short(k, len), 1);
}

/* assembly/packed.ts combinerPackSplit: each distinct key to partition xxHash32 % n, in table
 * order; the per-partition arrays of values, offsets, hashes and keys are written out. */
static size_t split_partitions(const table *t, uint32_t n, uint8_t *out, uint32_t *parts, uint32_t *counts) {
  memset(counts, 0, n * sizeof(uint32_t));
  for (uint32_t e = 0; e < t->count; e++) {
    const uint8_t *bp = entry_at(t, e);
    uint32_t h = xxh32(entry_key(t, bp), entry_len(bp));
    parts[e] = (n & (n - 1)) == 0 ? h & (n - 1) : h % n;
    counts[parts[e]]++;
  }
  size_t at = 0;
  for (uint32_t e = 0; e < t->count; e++) {
    const uint8_t *bp = entry_at(t, e);
    uint32_t len = entry_len(bp), h = entry_hash(bp);
    memcpy(out + at, bp + 16, 8); memcpy(out + at + 8, &h, 4); memcpy(out + at + 12, &parts[e], 4);
    memcpy(out + at + 16, entry_key(t, bp), len);
    at += 16 + len;
  }
  return at;
}

/* The SIMD scan of assembly/combine.ts with SSE2: bytes <= 0x20 are candidate separators,
 * checked against the table; bytes past the end are not looked at, and a token that runs up to
 * the end is added after the loop. */
static void add_tokens(table *t, const uint8_t *p, size_t len, const uint8_t *seps) {
  const uint8_t *end = p + len, *start = p;
  const __m128i space = _mm_set1_epi8(0x20), flip = _mm_set1_epi8((char)0x80);
  for (const uint8_t *base = p; base < end; base += 16) {
    __m128i x = _mm_loadu_si128((const __m128i *)base);
    /* unsigned x <= 0x20  <=>  signed (x ^ 0x80) < (0x21 ^ 0x80) */
    uint32_t mask = (uint32_t)_mm_movemask_epi8(_mm_cmplt_epi8(_mm_xor_si128(x, flip), _mm_xor_si128(_mm_add_epi8(space, _mm_set1_epi8(1)), flip)));
    size_t remain = (size_t)(end - base);
    if (remain < 16) mask &= ~(0xffffu << remain);
    while (mask) {
      const uint8_t *pos = base + __builtin_ctz(mask);
      mask &= mask - 1;
      if (!seps[*pos]) continue;
      if (pos > start) add_token(t, start, (uint32_t)(pos - start));
      start = pos + 1;
    }
  }
  if (end > start) add_token(t, start, (uint32_t)(end - start));
}

static double now_ms(void) { struct timespec ts; clock_gettime(CLOCK_MONOTONIC, &ts); return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6; }
static int cmp(const void *a, const void *b) { double x = *(const double *)a, y = *(const double *)b; return x < y ? -1 : x > y; }

/* Top 10 entries by count, descending, then by key bytes (as JS compares ASCII strings). */

static int ranks_before(const table *t, const uint8_t *a, const uint8_t *b) {
  int64_t x, y; memcpy(&x, a + 16, 8); memcpy(&y, b + 16, 8);
  if (x != y) return x > y;
  uint32_t la = entry_len(a), lb = entry_len(b); const uint8_t *ka = entry_key(t, a), *kb = entry_key(t, b);
  int c = memcmp(ka, kb, la < lb ? la : lb);
  return c != 0 ? c < 0 : la < lb;
}

static void print_top10(const table *t) {
  const uint8_t *top[10]; int n = 0;
  for (uint32_t e = 0; e < t->count; e++) {
    const uint8_t *ep = entry_at(t, e);
    if (n == 10 && !ranks_before(t, ep, top[9])) continue;
    int i = n < 10 ? n++ : 9;
    while (i > 0 && ranks_before(t, ep, top[i - 1])) { top[i] = top[i - 1]; i--; }
    top[i] = ep;
  }
  printf("\"top10\": \"");
  for (int i = 0; i < n; i++) {
    uint32_t len = entry_len(top[i]); const uint8_t *k = entry_key(t, top[i]);
    int64_t v; memcpy(&v, top[i] + 16, 8);
    for (uint32_t j = 0; j < len; j++) if (k[j] != '"' && k[j] != '\\' && k[j] >= 0x20) putchar(k[j]);
    printf(":%lld%s", (long long)v, i + 1 < n ? " " : "");
  }
  printf("\"");
}

/* The raw byte scan: one pass over memory, counting bytes <= 0x20 (no table, no copy). */
static uint64_t scan_bytes(const uint8_t *p, size_t len) {
  const __m128i limit = _mm_set1_epi8((char)(0x21 ^ 0x80)), flip = _mm_set1_epi8((char)0x80);
  uint64_t n = 0;
  size_t i = 0;
  for (; i + 16 <= len; i += 16) {
    __m128i x = _mm_loadu_si128((const __m128i *)(p + i));
    n += (uint64_t)__builtin_popcount((uint32_t)_mm_movemask_epi8(_mm_cmplt_epi8(_mm_xor_si128(x, flip), limit)));
  }
  for (; i < len; i++) n += p[i] <= 0x20;
  return n;
}

int main(int argc, char **argv) {
  if (argc < 2) { fprintf(stderr, "usage: wordcount FILE [REPS] [PARTITIONS]\n"); return 2; }
  int reps = argc > 2 ? atoi(argv[2]) : 5;
  uint32_t n = argc > 3 ? (uint32_t)atoi(argv[3]) : 2;
  FILE *f = fopen(argv[1], "rb");
  if (!f) { perror(argv[1]); return 1; }
  fseek(f, 0, SEEK_END); long size = ftell(f); fseek(f, 0, SEEK_SET);
  uint8_t *data = malloc(size);
  if (fread(data, 1, size, f) != (size_t)size) { perror("read"); return 1; }
  fclose(f);
  double *ms = malloc(reps * sizeof(double));
  if (argc > 4 && strcmp(argv[4], "scan") == 0) {
    uint64_t seps_seen = 0;
    for (int r = 0; r < reps; r++) {
      double t0 = now_ms();
      seps_seen = scan_bytes(data, (size_t)size);
      ms[r] = now_ms() - t0;
    }
    qsort(ms, reps, sizeof(double), cmp);
    printf("{\"separators\": %llu, \"medianMs\": %.3f, \"mbPerS\": %.1f}\n", (unsigned long long)seps_seen, ms[reps / 2], size / 1e6 / (ms[reps / 2] / 1e3));
    return 0;
  }
  uint8_t seps[256] = {0};
  seps[' '] = seps['\t'] = seps['\n'] = seps['\r'] = seps['\f'] = seps['\v'] = 1;
  table t;
  table_init(&t);
  uint8_t *out = malloc(64u << 20);
  uint32_t *parts = malloc(8u << 20), *counts = malloc(n * sizeof(uint32_t));
  uint8_t *chunk = malloc((1 << 20) + 65536 + 256); /* slack, as the kernel's scratch has */
  for (int r = 0; r < reps; r++) {
    table_clear(&t);
    double t0 = now_ms();
    for (long off = 0; off < size;) {
      long end = off + (1 << 20) < size ? off + (1 << 20) : size;
      while (end < size && data[end - 1] != '\n') end++;
      memcpy(chunk, data + off, end - off); /* as the kernel copies each chunk into WASM memory */
      add_tokens(&t, chunk, end - off, seps);
      off = end;
    }
    split_partitions(&t, n, out, parts, counts);
    ms[r] = now_ms() - t0;
  }
  qsort(ms, reps, sizeof(double), cmp);
  uint32_t keys = t.count;
  printf("{\"keys\": %u, \"medianMs\": %.3f, \"mbPerS\": %.1f, ", keys, ms[reps / 2], size / 1e6 / (ms[reps / 2] / 1e3));
  print_top10(&t);
  printf("}\n");
  return 0;
}
