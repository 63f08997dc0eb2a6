# Flags shared by every target of the project (qBittorrent's CommonConfig pattern):
# fallback_common for all code, fallback_qt_defines for code that uses Qt.
if(NOT CMAKE_BUILD_TYPE AND NOT CMAKE_CONFIGURATION_TYPES)
  set(CMAKE_BUILD_TYPE RelWithDebInfo CACHE STRING "Build type" FORCE)
endif()
set(CMAKE_EXPORT_COMPILE_COMMANDS ON)

add_library(fallback_common INTERFACE)
target_compile_features(fallback_common INTERFACE cxx_std_20)
target_compile_options(fallback_common INTERFACE
  $<$<CXX_COMPILER_ID:GNU,Clang>:-Wall -Wextra -Wpedantic>)

add_library(fallback_qt_defines INTERFACE)
target_compile_definitions(fallback_qt_defines INTERFACE
  QT_NO_CAST_FROM_ASCII QT_NO_CONTEXTLESS_CONNECT QT_USE_QSTRINGBUILDER)
