//! The out-of-process renderer: poppler's `pdftoppm`, fed the file on stdin and read back as a
//! PPM stream on stdout, row by row, so that only the one-byte raster is ever held.

use std::io::{BufRead, BufReader, Read, Write};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use crate::raster::{PageRaster, RasterError, RasterOptions, Rasteriser, frame, open, page_at};

/// Renders with a `pdftoppm` process (poppler-utils), killed when it takes longer than
/// `timeout`. The page's size and transform are read with hayro's parser, which also checks
/// the pixel budget before the process starts.
#[derive(Debug, Clone)]
pub struct PdftoppmRasteriser {
    pub program: PathBuf,
    pub timeout: Duration,
}

impl Default for PdftoppmRasteriser {
    fn default() -> Self {
        Self {
            program: PathBuf::from("pdftoppm"),
            timeout: Duration::from_secs(60),
        }
    }
}

/// Exit status of pdftoppm for a file it cannot open.
const EXIT_OPEN_FAILED: i32 = 1;

impl Rasteriser for PdftoppmRasteriser {
    fn rasterise(
        &self,
        pdf: &[u8],
        page: usize,
        options: &RasterOptions,
    ) -> Result<PageRaster, RasterError> {
        let frame = {
            let parsed = open(pdf)?;
            frame(page_at(&parsed, page)?, options)?
        };
        let number = (page + 1).to_string();
        let mut child = Command::new(&self.program)
            .args(["-q", "-cropbox", "-r"])
            .arg(options.dpi.to_string())
            .args(["-f", &number, "-l", &number, "-"])
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .map_err(|err| RasterError::Renderer(format!("cannot start pdftoppm: {err}")))?;
        let (Some(mut stdin), Some(stdout)) = (child.stdin.take(), child.stdout.take()) else {
            kill(&mut child);
            return Err(RasterError::Renderer("no pipes to pdftoppm".to_owned()));
        };
        let limit = options.max_pixels;
        let read = std::thread::scope(|scope| {
            // A write error means pdftoppm stopped reading; its exit status tells why.
            scope.spawn(move || {
                let _ = stdin.write_all(pdf);
            });
            let reader = scope.spawn(move || read_ppm(stdout, limit));
            let deadline = Instant::now() + self.timeout;
            let status = loop {
                match child.try_wait() {
                    Ok(Some(status)) => break Ok(status),
                    Ok(None) if Instant::now() >= deadline => {
                        kill(&mut child);
                        break Err(RasterError::Renderer("pdftoppm took too long".to_owned()));
                    }
                    Ok(None) => std::thread::sleep(Duration::from_millis(2)),
                    Err(err) => {
                        kill(&mut child);
                        break Err(RasterError::Renderer(format!("pdftoppm: {err}")));
                    }
                }
            };
            let read = reader
                .join()
                .unwrap_or_else(|_| Err(RasterError::Renderer("reader panicked".to_owned())));
            match status? {
                status if status.success() => read,
                status if status.code() == Some(EXIT_OPEN_FAILED) => Err(RasterError::Unreadable),
                status => Err(RasterError::Renderer(format!(
                    "pdftoppm exited with {status}"
                ))),
            }
        })?;
        let (width, height, pixels) = read;
        Ok(PageRaster {
            width,
            height,
            dpi: options.dpi,
            pixels,
            to_pixel: frame.to_pixel,
        })
    }
}

fn kill(child: &mut Child) {
    let _ = child.kill();
    let _ = child.wait();
}

/// Reads one binary PPM (`P6`, 8 bits) and keeps the darkest channel of each pixel.
fn read_ppm(stream: impl Read, max_pixels: u64) -> Result<(u32, u32, Vec<u8>), RasterError> {
    let bad = |what: &str| RasterError::Renderer(format!("pdftoppm output: {what}"));
    let mut reader = BufReader::with_capacity(1 << 16, stream);
    let mut fields = Vec::new();
    while fields.len() < 4 {
        let mut line = String::new();
        if reader
            .read_line(&mut line)
            .map_err(|_| bad("unreadable header"))?
            == 0
        {
            return Err(bad("no image"));
        }
        let line = line.split('#').next().unwrap_or("");
        fields.extend(line.split_whitespace().map(str::to_owned));
    }
    let number = |i: usize| fields[i].parse::<u32>().map_err(|_| bad("bad header"));
    if fields[0] != "P6" || number(3)? != 255 {
        return Err(bad("not an 8-bit colour PPM"));
    }
    let (width, height) = (number(1)?, number(2)?);
    if u64::from(width) * u64::from(height) > max_pixels {
        return Err(RasterError::TooLarge {
            width: width.into(),
            height: height.into(),
            limit: max_pixels,
        });
    }
    let row_bytes = width as usize * 3;
    let mut row = vec![0u8; row_bytes];
    let mut pixels = Vec::with_capacity(width as usize * height as usize);
    for _ in 0..height {
        reader
            .read_exact(&mut row)
            .map_err(|_| bad("image cut short"))?;
        pixels.extend(row.chunks_exact(3).map(|p| p[0].min(p[1]).min(p[2])));
    }
    Ok((width, height, pixels))
}
