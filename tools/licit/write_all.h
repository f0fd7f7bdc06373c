// Writing a whole buffer to a file descriptor: write(2) may write less than asked, and a signal
// may interrupt it (EINTR). One loop for every writer that goes to a descriptor directly (the
// output file's writer thread, the language server's messages).
#pragma once

#include <string_view>

namespace licit::cli {

// Writes every byte of `bytes` to `fd`, retrying short writes and EINTR. False on an error, with
// errno set (EIO when write(2) wrote nothing without saying why).
bool WriteAll(int fd, std::string_view bytes);

}  // namespace licit::cli
