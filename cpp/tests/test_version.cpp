// One version: DESCEND_VERSION from the umbrella header is the version of the CMake package.
#include <descend/descend.hpp>

#include <cstring>

#include "check.hpp"

TEST_CASE(umbrella_header_defines_the_cmake_package_version) {
    CHECK(std::strcmp(DESCEND_VERSION, DESCEND_CMAKE_PACKAGE_VERSION) == 0);
}

TEST_CASE(version_is_major_minor_patch) {
    int dots = 0;
    bool digits_only = true;
    for (const char* c = DESCEND_VERSION; *c != '\0'; ++c) {
        dots += *c == '.';
        digits_only &= *c == '.' || (*c >= '0' && *c <= '9');
    }
    CHECK_EQ(dots, 2);
    CHECK(digits_only);
}
