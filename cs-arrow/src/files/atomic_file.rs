//! A file written in pieces to a temporary file beside its target and renamed over the
//! target at the end ([`AtomicFile::commit`]); dropped before then, it leaves the target
//! untouched and no temporary file behind.

use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};

use super::{FileError, temporary_path};

/// A file being written through a temporary file (see the module); it buffers what is
/// written to it.
///
/// ```
/// use std::io::Write as _;
/// # let dir = std::env::temp_dir().join(format!("cs-arrow-atomic-{}", std::process::id()));
/// # std::fs::create_dir_all(&dir).unwrap();
/// let path = dir.join("rows.json");
/// let mut f = cs_arrow::files::AtomicFile::create(&path)?;
/// f.write_all(b"[]\n").unwrap();
/// assert!(!path.exists());
/// f.commit()?;
/// assert_eq!(std::fs::read_to_string(&path).unwrap(), "[]\n");
/// # std::fs::remove_dir_all(&dir).unwrap();
/// # Ok::<(), cs_arrow::files::FileError>(())
/// ```
pub struct AtomicFile {
    path: PathBuf,
    tmp: PathBuf,
    out: Option<BufWriter<File>>,
}

impl AtomicFile {
    /// Starts writing `path`.
    pub fn create(path: &Path) -> Result<AtomicFile, FileError> {
        let tmp = temporary_path(path);
        let file = File::create(&tmp).map_err(|e| FileError::new(path, e))?;
        Ok(AtomicFile {
            path: path.to_path_buf(),
            tmp,
            out: Some(BufWriter::with_capacity(1 << 20, file)),
        })
    }

    /// Flushes and syncs the file and renames it over the target.
    pub fn commit(mut self) -> Result<(), FileError> {
        let Some(out) = self.out.take() else {
            return Err(FileError::new(&self.path, "the file was closed"));
        };
        let done = (|| {
            let mut out = out;
            out.flush().map_err(|e| e.to_string())?;
            let file = out.into_inner().map_err(|e| e.to_string())?;
            file.sync_all().map_err(|e| e.to_string())?;
            std::fs::rename(&self.tmp, &self.path).map_err(|e| e.to_string())
        })();
        done.map_err(|m| FileError::new(&self.path, m))
    }
}

impl Write for AtomicFile {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        match &mut self.out {
            Some(out) => out.write(buf),
            None => Err(std::io::Error::other("the file was closed")),
        }
    }

    fn flush(&mut self) -> std::io::Result<()> {
        match &mut self.out {
            Some(out) => out.flush(),
            None => Ok(()),
        }
    }
}

impl Drop for AtomicFile {
    fn drop(&mut self) {
        self.out = None;
        if self.tmp.exists() {
            let _ = std::fs::remove_file(&self.tmp);
        }
    }
}
