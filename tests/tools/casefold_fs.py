"""A case-insensitive, normalisation-insensitive, case-preserving file system (FUSE), as macOS APFS and
Windows NTFS behave, for testing restores on Linux. Test harness only: nothing here ships.

    /usr/bin/python3 tests/tools/casefold_fs.py <backing-folder> <mount-point>

runs in the foreground until unmounted (fusermount -u <mount-point>) or killed. Every path component is
looked up by its folded form (Unicode NFC, then casefold): "Photo.JPG" opens "photo.jpg" if that exists;
a new name is stored as given. Needs /dev/fuse and Debian's python3-fusepy.
"""
import errno
import os
import sys
import unicodedata

from fusepy import FUSE, FuseOSError, Operations


def fold(name):
    return unicodedata.normalize("NFC", name).casefold()


class CaseFolding(Operations):
    def __init__(self, backing):
        self.backing = os.path.realpath(backing)

    def real(self, path):
        """The backing path for a FUSE path: each existing component found by its folded name."""
        current = self.backing
        for part in [p for p in path.split("/") if p]:
            candidate = os.path.join(current, part)
            if not os.path.lexists(candidate) and os.path.isdir(current):
                wanted = fold(part)
                for entry in os.listdir(current):
                    if fold(entry) == wanted:
                        candidate = os.path.join(current, entry)
                        break
            current = candidate
        return current

    # -- metadata
    def getattr(self, path, fh=None):
        try:
            st = os.lstat(self.real(path))
        except OSError as ex:
            raise FuseOSError(ex.errno)
        return {k: getattr(st, k) for k in ("st_mode", "st_nlink", "st_size", "st_uid", "st_gid", "st_atime", "st_mtime", "st_ctime")}

    def access(self, path, mode):
        if not os.access(self.real(path), mode):
            raise FuseOSError(errno.EACCES)

    def readdir(self, path, fh):
        return [".", ".."] + os.listdir(self.real(path))

    def statfs(self, path):
        st = os.statvfs(self.real(path))
        return {k: getattr(st, k) for k in ("f_bavail", "f_bfree", "f_blocks", "f_bsize", "f_favail", "f_ffree", "f_files", "f_flag", "f_frsize", "f_namemax")}

    def chmod(self, path, mode):
        os.chmod(self.real(path), mode)

    def chown(self, path, uid, gid):
        os.chown(self.real(path), uid, gid)

    def utimens(self, path, times=None):
        os.utime(self.real(path), times)

    # -- names
    def mkdir(self, path, mode):
        os.mkdir(self.real(path), mode)

    def rmdir(self, path):
        os.rmdir(self.real(path))

    def unlink(self, path):
        os.unlink(self.real(path))

    def rename(self, old, new):
        # Onto an existing name that folds the same: that file is replaced, as on APFS/NTFS.
        os.rename(self.real(old), self.real(new))

    def symlink(self, target, source):
        os.symlink(source, self.real(target))

    def readlink(self, path):
        return os.readlink(self.real(path))

    # -- content
    def open(self, path, flags):
        return os.open(self.real(path), flags)

    def create(self, path, mode, fi=None):
        return os.open(self.real(path), os.O_WRONLY | os.O_CREAT | os.O_EXCL, mode)

    def read(self, path, size, offset, fh):
        os.lseek(fh, offset, os.SEEK_SET)
        return os.read(fh, size)

    def write(self, path, data, offset, fh):
        os.lseek(fh, offset, os.SEEK_SET)
        return os.write(fh, data)

    def truncate(self, path, length, fh=None):
        with open(self.real(path), "r+b") as f:
            f.truncate(length)

    def flush(self, path, fh):
        return 0

    def fsync(self, path, datasync, fh):
        os.fsync(fh)

    def release(self, path, fh):
        os.close(fh)


def main():
    if len(sys.argv) != 3:
        raise SystemExit(__doc__)
    FUSE(CaseFolding(sys.argv[1]), sys.argv[2], foreground=True, nothreads=True, default_permissions=True)


if __name__ == "__main__":
    main()
