// descend's version: the one place it is defined. CMake, the Python package metadata and
// descend.__version__ all read it from here.
#pragma once

/// descend's version, "major.minor.patch"; <descend/descend.hpp> brings it in.
#define DESCEND_VERSION "0.1.0"
