// The compiled kernels of fit_linear's 'squared_error' loss (LeastSquares over dense, CSR int32 and CSR int64
// rows, float64 and float32): linear_data.hpp's linear_data, instantiated here, apart from the
// other losses so that they compile side by side.
#include "linear_kernels.hpp"

namespace descend::bindings {
DESCEND_LINEAR_DATA_INSTANTIATE(LeastSquares);
}  // namespace descend::bindings
