// descend's version: the one place it is defined. CMake, the Python package metadata and
// descend.__version__ all read it from here.
#pragma once

#define DESCEND_VERSION "0.1.0"
