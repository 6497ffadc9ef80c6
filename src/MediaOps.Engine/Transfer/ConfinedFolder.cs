using System;
using System.ComponentModel;
using System.IO;
using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;

namespace MediaOps.Transfer
{
    /// <summary>
    /// A folder under a sync root, opened one name at a time without following a symbolic link
    /// (openat with O_NOFOLLOW from the root down), and every file operation in it made relative to that
    /// open folder (openat, renameat, unlinkat, futimens). A folder swapped for a link after
    /// <see cref="LocalPathGuard"/> checked the path, or a file swapped for a link after the walk saw it,
    /// is refused instead of followed: nothing outside the root is read or written, whatever changes on
    /// disk meanwhile. The root itself may be a link (the user chose it).
    ///
    /// Linux on 64-bit x86 and ARM only (the flag values and struct timespec below are theirs); elsewhere
    /// <see cref="Supported"/> is false and callers keep the path-based checks.
    /// </summary>
    internal sealed class ConfinedFolder : IDisposable
    {
        private const int ENOENT = 2, EACCES = 13, EEXIST = 17, ENOTDIR = 20, EISDIR = 21, ENAMETOOLONG = 36, ENOTEMPTY = 39, ELOOP = 40;
        private const int O_RDONLY = 0, O_WRONLY = 1, O_CREAT = 0x40, O_EXCL = 0x80, O_NONBLOCK = 0x800, O_CLOEXEC = 0x80000;
        private static readonly int O_DIRECTORY, O_NOFOLLOW;
        private const long UTIME_OMIT = (1L << 30) - 2;

        static ConfinedFolder()
        {
            if (!RuntimeInformation.IsOSPlatform(OSPlatform.Linux)) return;
            switch (RuntimeInformation.ProcessArchitecture)
            {
                case Architecture.X64: O_DIRECTORY = 0x10000; O_NOFOLLOW = 0x20000; break;
                case Architecture.Arm64: O_DIRECTORY = 0x4000; O_NOFOLLOW = 0x8000; break;
            }
        }

        /// <summary>True where the no-follow open is available (see the class remarks).</summary>
        public static bool Supported => O_NOFOLLOW != 0;

        private readonly int _fd;

        private ConfinedFolder(int fd, string displayPath)
        {
            _fd = fd;
            DisplayPath = displayPath;
        }

        /// <summary>The folder's path as the user knows it (for messages only: never opened by name).</summary>
        public string DisplayPath { get; }

        /// <summary>A path that reaches the open folder itself, whatever was renamed or swapped since (Linux /proc).</summary>
        public string HandlePath => $"/proc/self/fd/{_fd}";

        /// <summary>
        /// Opens <paramref name="relativeFolder"/> ('/'-separated, may be empty) under <paramref name="root"/>, following no
        /// link below the root; <paramref name="create"/> makes missing folders. Throws <see cref="LocalFileException"/>.
        /// </summary>
        public static ConfinedFolder Open(string root, string relativeFolder, bool create)
        {
            var fd = open(root, O_RDONLY | O_DIRECTORY | O_CLOEXEC, 0);
            if (fd < 0) throw Failure(Marshal.GetLastWin32Error(), root, "open the folder");
            var shown = root;
            try
            {
                foreach (var name in (relativeFolder ?? "").Split(new[] { '/' }, StringSplitOptions.RemoveEmptyEntries))
                {
                    shown = Path.Combine(shown, name);
                    var next = openat(fd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC, 0);
                    if (next < 0 && Marshal.GetLastWin32Error() == ENOENT && create)
                    {
                        if (mkdirat(fd, name, Convert.ToInt32("777", 8)) < 0 && Marshal.GetLastWin32Error() != EEXIST)
                            throw Failure(Marshal.GetLastWin32Error(), shown, "create the folder");
                        next = openat(fd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC, 0);
                    }
                    if (next < 0)
                    {
                        var errno = Marshal.GetLastWin32Error();
                        throw errno == ELOOP || errno == ENOTDIR
                            ? new LocalFileException(LocalFileProblem.LinkOnTheWay, shown, $"'{shown}' is a symbolic link or not a folder, so it is not entered (it could lead outside the folder)")
                            : Failure(errno, shown, "open the folder");
                    }
                    close(fd);
                    fd = next;
                }
            }
            catch
            {
                close(fd);
                throw;
            }
            return new ConfinedFolder(fd, shown);
        }

        /// <summary>A new file (fails if the name exists, even as a link) for writing.</summary>
        public FileStream CreateNew(string name, int bufferSize = 1)
        {
            var fd = openat(_fd, name, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, Convert.ToInt32("666", 8));
            if (fd < 0) throw Failure(Marshal.GetLastWin32Error(), Path.Combine(DisplayPath, name), "create the file");
            return new FileStream(new SafeFileHandle((IntPtr)fd, ownsHandle: true), FileAccess.Write, bufferSize, isAsync: false);
        }

        /// <summary>An existing regular file for reading; a link in its place is refused (ELOOP).</summary>
        public FileStream OpenRead(string name)
        {
            // O_NONBLOCK: a FIFO swapped in must not hang the open; it is no regular file and fails the read below.
            var fd = openat(_fd, name, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC, 0);
            if (fd < 0)
            {
                var errno = Marshal.GetLastWin32Error();
                var shown = Path.Combine(DisplayPath, name);
                throw errno == ELOOP
                    ? new LocalFileException(LocalFileProblem.LinkOnTheWay, shown, $"'{shown}' is now a symbolic link, which is not followed (it could point outside the folder)")
                    : Failure(errno, shown, "open the file");
            }
            return new FileStream(new SafeFileHandle((IntPtr)fd, ownsHandle: true), FileAccess.Read, 1, isAsync: false);
        }

        /// <summary>Sets the modification time of an open file (its access time is left alone).</summary>
        public static void SetLastWriteTimeUtc(FileStream file, DateTime utc)
        {
            var ticks = utc.ToUniversalTime().Ticks - new DateTime(1970, 1, 1, 0, 0, 0, DateTimeKind.Utc).Ticks;
            var times = new[] { 0L, UTIME_OMIT, ticks / TimeSpan.TicksPerSecond, ticks % TimeSpan.TicksPerSecond * 100 };
            if (futimens(file.SafeFileHandle, times) < 0)
                throw Failure(Marshal.GetLastWin32Error(), file.Name, "set the modification time of");
        }

        /// <summary>Renames within this folder; replaces a file (or a link, which is not followed) of the new name.</summary>
        public void Rename(string from, string to)
        {
            if (renameat(_fd, from, _fd, to) < 0)
            {
                var errno = Marshal.GetLastWin32Error();
                var shown = Path.Combine(DisplayPath, to);
                throw errno == EISDIR || errno == ENOTEMPTY || errno == EEXIST
                    ? new LocalFileException(LocalFileProblem.IsAFolder, shown, $"'{shown}' is an existing folder, so a file cannot take its name")
                    : errno == ENOENT
                        ? new LocalFileException(LocalFileProblem.Gone, Path.Combine(DisplayPath, from),
                            $"the temporary file '{Path.Combine(DisplayPath, from)}' was removed by another process (a second run in the same folder?) before it could be renamed into place")
                        : Failure(errno, shown, "rename into");
            }
        }

        /// <summary>Removes a file of this folder, quietly (cleanup of a temp file).</summary>
        public void TryDelete(string name) => unlinkat(_fd, name, 0);

        public void Dispose() => close(_fd);

        private static LocalFileException Failure(int errno, string path, string action)
        {
            var reason = new Win32Exception(errno).Message;
            switch (errno)
            {
                case ENOENT: return new LocalFileException(LocalFileProblem.Gone, path, $"'{path}' no longer exists (it was deleted or renamed after the folder was read)");
                case EACCES: return new LocalFileException(LocalFileProblem.AccessDenied, path, $"permission denied to {action} '{path}'");
                case ENAMETOOLONG: return new LocalFileException(LocalFileProblem.NameTooLong, path, $"the name is too long for this file system ({reason})");
                case EISDIR: return new LocalFileException(LocalFileProblem.IsAFolder, path, $"'{path}' is an existing folder");
                case ELOOP: return new LocalFileException(LocalFileProblem.LinkOnTheWay, path, $"'{path}' is a symbolic link, which is not followed");
                default: return new LocalFileException(LocalFileProblem.Other, path, $"could not {action} '{path}': {reason}");
            }
        }

        [DllImport("libc", SetLastError = true)] private static extern int open(string path, int flags, int mode);
        [DllImport("libc", SetLastError = true)] private static extern int openat(int dirfd, string path, int flags, int mode);
        [DllImport("libc", SetLastError = true)] private static extern int mkdirat(int dirfd, string path, int mode);
        [DllImport("libc", SetLastError = true)] private static extern int renameat(int olddirfd, string oldpath, int newdirfd, string newpath);
        [DllImport("libc", SetLastError = true)] private static extern int unlinkat(int dirfd, string path, int flags);
        [DllImport("libc", SetLastError = true)] private static extern int futimens(SafeFileHandle fd, long[] times);
        [DllImport("libc", SetLastError = true)] private static extern int close(int fd);
    }
}
