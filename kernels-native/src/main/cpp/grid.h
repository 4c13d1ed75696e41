// The grid level of the native backend: layers, directions and time (as the vector backend's GridF32/GridF64,
// written once as a template over float and double in grid.cpp).
//
// Per layer direction the forward runs one input GEMM over all T*N rows (row chunks shared among the team),
// then per step the cell: for each of a member's unit grains the recurrent GEMM and, while its result is in
// cache, the fused post-GEMM pass; one barrier per step (two for the reset-before GRU). The backward runs per
// step the post-GEMM backward, a barrier and the dh GEMM; after the time loop the dW_ih and dW_hh products over
// all steps (K blocks of rows: B packed by the team, then each member's rows of dW) and dX (row chunks), the
// bias and peephole gradients being summed inside the loop. Variable lengths are handled inside the loops: step s runs the samples still active,
// longest first, each at its own time index (reverse direction: len - 1 - s); states are kept by that
// position, so the active rows are always a prefix and nothing is gathered per step.
//
// One native call runs a whole sequence call: everything between the Java call and its return happens in one
// team job, reading the arguments from the workspace header (plan.h, `namespace call`).
#ifndef RNN4J_GRID_H
#define RNN4J_GRID_H

#include "team.h"

namespace rnn4j {

enum Op : int { OP_FORWARD = 0, OP_BACKWARD = 1, OP_STEP_FORWARD = 2, OP_STEP_BACKWARD = 3 };

/** Runs call `op` on the team, with the prepared weights at `weights`, its arguments in the workspace header. */
void run_call(int op, Team* team, const void* weights, void* workspace);

}  // namespace rnn4j

#endif  // RNN4J_GRID_H
