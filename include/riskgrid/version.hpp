#pragma once

/// riskgrid's version, kept in step with the CMake project version.
#define RISKGRID_VERSION_MAJOR 0
#define RISKGRID_VERSION_MINOR 1
#define RISKGRID_VERSION_PATCH 0
#define RISKGRID_VERSION_STRING "0.1.0"

namespace riskgrid {
inline constexpr const char* version_string = RISKGRID_VERSION_STRING;
}  // namespace riskgrid
