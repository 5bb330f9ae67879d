# cmake -DINPUT=file.toml -DOUTPUT=file.cpp -DFUNCTION=Name -P embed_text.cmake
#
# Writes a C++ source defining `std::string_view ghostport::catalog::FUNCTION()`
# that returns INPUT's bytes as a raw string literal. The output is rewritten
# only when its content changes. Fails if INPUT contains the literal's closing
# delimiter.
foreach(var INPUT OUTPUT FUNCTION)
  if(NOT DEFINED ${var})
    message(FATAL_ERROR "embed_text.cmake: -D${var}=... is required")
  endif()
endforeach()

set(delimiter "ghostport_embed")
file(READ "${INPUT}" text)
string(FIND "${text}" ")${delimiter}\"" clash)
if(NOT clash EQUAL -1)
  message(FATAL_ERROR "${INPUT} contains `)${delimiter}\"`, which would end the raw string")
endif()

file(WRITE "${OUTPUT}.tmp"
"// Generated at build time from ${INPUT} by catalog/tools/embed_text.cmake.
// Do not edit: edit the input file.
#include \"catalog/knowledge.h\"

namespace ghostport::catalog {

std::string_view ${FUNCTION}() {
  static constexpr char kText[] = R\"${delimiter}(${text})${delimiter}\";
  return std::string_view(kText, sizeof kText - 1);
}

}  // namespace ghostport::catalog
")
file(COPY_FILE "${OUTPUT}.tmp" "${OUTPUT}" ONLY_IF_DIFFERENT)
file(REMOVE "${OUTPUT}.tmp")
