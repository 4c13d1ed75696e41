// Definitions of rnn4j_native.h. Compiled once per library (the JNI glue includes it).
#include "rnn4j_native.h"

#include <cblas.h>

#include "grid.h"
#include "packed_weights.h"
#include "plan.h"
#include "postgemm_dispatch.h"
#include "team.h"

namespace rnn4j {

namespace {

Config make_config(int elementBytes, int kind, int inputSize, int hidden, int layers, int directions) {
    Config c;
    c.element_bytes = elementBytes;
    c.kind = (CellKind)kind;
    c.input_size = inputSize;
    c.hidden = hidden;
    c.layers = layers;
    c.directions = directions;
    c.batch_first = false;  // the layout changes no size or offset of the workspace
    return c;
}

/** `flags`: 1 training, 2 step plan, 4 the OpenBLAS products (rnn4j.native.gemm=openblas). */
Plan make_plan(int elementBytes, int kind, int inputSize, int hidden, int layers, int directions, int capT, int capN,
               int flags) {
    return Plan(make_config(elementBytes, kind, inputSize, hidden, layers, directions), capT, capN, (flags & 1) != 0,
                (flags & 2) != 0, (flags & 4) != 0);
}

}  // namespace

int64_t team_create(int threads) {
    try {
        return (int64_t)(intptr_t) new Team(threads);
    } catch (...) {  // no C++ exception may cross the JNI glue
        return 0;
    }
}

void team_destroy(int64_t team) {
    delete (Team*)(intptr_t)team;
}

int64_t workspace_bytes(int e, int k, int i, int h, int l, int d, int capT, int capN, int flags) {
    return make_plan(e, k, i, h, l, d, capT, capN, flags).total;
}

int64_t workspace_lengths_offset(int e, int k, int i, int h, int l, int d, int capT, int capN, int flags) {
    return make_plan(e, k, i, h, l, d, capT, capN, flags).lengths_offset;
}

int64_t workspace_weight_grads_offset(int e, int k, int i, int h, int l, int d, int capT, int capN, int flags) {
    return make_plan(e, k, i, h, l, d, capT, capN, flags).weight_grads_offset;
}

int64_t weights_bytes(int e, int k, int i, int h, int l, int d) {
    return WeightsLayout(make_config(e, k, i, h, l, d)).total_bytes();
}

void weights_pack(int64_t dst, int e, int k, int i, int h, int l, int d, int slot, int64_t blocks) {
    WeightsLayout layout(make_config(e, k, i, h, l, d));
    void* base = (void*)(intptr_t)dst;
    const int64_t* table = (const int64_t*)(intptr_t)blocks;
    if (e == 4) pack_slot<float>(layout, base, slot, table);
    else pack_slot<double>(layout, base, slot, table);
}

void run(int op, int64_t team, int64_t weights, int64_t workspace) {
    run_call(op, (Team*)(intptr_t)team, (const void*)(intptr_t)weights, (void*)(intptr_t)workspace);
}

int kernel_simd_bits() {
    return postgemm_simd_bits();
}

int cpu_simd_bits() {
    return postgemm_cpu_bits();
}

int force_kernel_simd_bits(int bits) {
    return set_postgemm_simd_bits(bits);
}

void openblas_single_thread() {
    openblas_set_num_threads(1);
}

}  // namespace rnn4j
