#define _GNU_SOURCE
#include "CFileSystem.h"

#include <errno.h>
#include <fcntl.h>
#include <sys/ioctl.h>
#include <unistd.h>
#ifdef __linux__
#include <linux/fs.h>
#endif

int cfs_clone(int src, int dst) {
#ifdef FICLONE
    return ioctl(dst, FICLONE, src);
#else
    errno = EOPNOTSUPP;
    return -1;
#endif
}

ssize_t cfs_copy_range(int src, int dst, size_t length) {
#ifdef __linux__
    return copy_file_range(src, NULL, dst, NULL, length, 0);
#else
    errno = ENOSYS;
    return -1;
#endif
}

int cfs_start_writeback(int fd) {
#ifdef __linux__
    return sync_file_range(fd, 0, 0, SYNC_FILE_RANGE_WRITE);
#else
    errno = ENOSYS;
    return -1;
#endif
}

int cfs_open_direct(const char *path) {
#ifdef O_DIRECT
    return open(path, O_WRONLY | O_DIRECT | O_CLOEXEC);
#else
    errno = EINVAL;
    return -1;
#endif
}

int cfs_reserve(int fd, off_t offset, off_t length) {
#ifdef __linux__
    return fallocate(fd, 0, offset, length);
#else
    errno = EOPNOTSUPP;
    return -1;
#endif
}
