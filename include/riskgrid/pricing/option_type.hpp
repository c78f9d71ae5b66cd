#pragma once

namespace riskgrid::pricing {

enum class option_type { call, put };

/// Continuously monitored barrier: direction of the barrier from spot, and whether the
/// option comes alive (in) or dies (out) when it is touched.
enum class barrier_type { down_in, down_out, up_in, up_out };

}  // namespace riskgrid::pricing
