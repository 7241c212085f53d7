// The compiled kernels of fit_linear's 'huber' loss (Huber over dense, CSR int32 and CSR int64
// rows, float64 and float32): linear_data.hpp's linear_data, instantiated here, apart from the
// other losses so that they compile side by side.
#include "linear_kernels.hpp"

namespace descend::bindings {

template LinearData<double> linear_data<double>(const Huber<double, MatrixView<const double>>&);
template LinearData<double> linear_data<double>(const Huber<double, CsrView<double, std::int32_t>>&);
template LinearData<double> linear_data<double>(const Huber<double, CsrView<double, std::int64_t>>&);
template LinearData<float> linear_data<float>(const Huber<float, MatrixView<const float>>&);
template LinearData<float> linear_data<float>(const Huber<float, CsrView<float, std::int32_t>>&);
template LinearData<float> linear_data<float>(const Huber<float, CsrView<float, std::int64_t>>&);

}  // namespace descend::bindings
