#define _GNU_SOURCE
#include "CFileCopy.h"

#include <errno.h>
#include <sys/ioctl.h>
#include <unistd.h>
#ifdef __linux__
#include <linux/fs.h>
#endif

int cfilecopy_clone(int src, int dst) {
#ifdef FICLONE
    return ioctl(dst, FICLONE, src);
#else
    errno = EOPNOTSUPP;
    return -1;
#endif
}

ssize_t cfilecopy_range(int src, int dst, size_t length) {
#ifdef __linux__
    return copy_file_range(src, NULL, dst, NULL, length, 0);
#else
    errno = ENOSYS;
    return -1;
#endif
}
