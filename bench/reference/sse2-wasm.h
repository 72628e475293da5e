/* The SSE2 intrinsics wordcount.c uses, as WebAssembly SIMD128, so clang can compile the same
 * source to WASM: the build the bench runs in V8 to show what V8's code generation costs this
 * algorithm (bench/reference/build.ts, buildReferenceWasm). Only the intrinsics used are here. */
#include <wasm_simd128.h>
typedef v128_t __m128i;
#define _mm_loadu_si128(p) wasm_v128_load((const void *)(p))
#define _mm_storeu_si128(p, v) wasm_v128_store((void *)(p), (v))
#define _mm_set1_epi8(c) wasm_i8x16_splat((int8_t)(c))
#define _mm_setr_epi8(...) wasm_i8x16_make(__VA_ARGS__)
#define _mm_and_si128(a, b) wasm_v128_and((a), (b))
#define _mm_xor_si128(a, b) wasm_v128_xor((a), (b))
#define _mm_add_epi8(a, b) wasm_i8x16_add((a), (b))
#define _mm_cmpeq_epi8(a, b) wasm_i8x16_eq((a), (b))
#define _mm_cmpgt_epi8(a, b) wasm_i8x16_gt((a), (b)) /* signed, as in SSE2 */
#define _mm_cmplt_epi8(a, b) wasm_i8x16_lt((a), (b)) /* signed, as in SSE2 */
#define _mm_movemask_epi8(a) ((int)wasm_i8x16_bitmask(a))
#define _mm_cvtsi128_si64(a) ((long long)wasm_i64x2_extract_lane((a), 0))
#define _mm_unpackhi_epi64(a, b) wasm_i64x2_shuffle((a), (b), 1, 3)
