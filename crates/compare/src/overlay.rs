//! The overlay image, written row by row as an indexed PNG of four colours (2 bits a pixel), so
//! that it never exists uncompressed.

use std::cell::RefCell;
use std::io::Write;
use std::rc::Rc;

use crate::diff::Class;

/// Palette in the order of the pixel classes: white, dark grey (common), red (old only), green
/// (new only).
pub const PALETTE: [[u8; 3]; 4] = [[255, 255, 255], [64, 64, 64], [220, 0, 0], [0, 150, 0]];

/// The encoder's output, which it owns while the caller keeps a handle to take it back.
#[derive(Clone, Default)]
struct Output(Rc<RefCell<Vec<u8>>>);

impl Write for Output {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.borrow_mut().extend_from_slice(buf);
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

pub(crate) struct OverlayWriter {
    stream: png::StreamWriter<'static, Output>,
    output: Output,
    packed: Vec<u8>,
}

impl OverlayWriter {
    pub(crate) fn new(width: u32, height: u32) -> Result<Self, png::EncodingError> {
        let output = Output::default();
        let mut encoder = png::Encoder::new(output.clone(), width, height);
        encoder.set_color(png::ColorType::Indexed);
        encoder.set_depth(png::BitDepth::Two);
        encoder.set_palette(PALETTE.concat());
        encoder.set_compression(png::Compression::Fast);
        let stream = encoder.write_header()?.into_stream_writer()?;
        Ok(Self {
            stream,
            output,
            packed: vec![0; (width as usize).div_ceil(4)],
        })
    }

    pub(crate) fn row(&mut self, classes: &[Class]) -> std::io::Result<()> {
        self.packed.fill(0);
        for (byte, four) in self.packed.iter_mut().zip(classes.chunks(4)) {
            for (i, class) in four.iter().enumerate() {
                *byte |= (*class as u8) << (6 - 2 * i);
            }
        }
        self.stream.write_all(&self.packed)
    }

    /// The PNG file.
    pub(crate) fn finish(self) -> Result<Vec<u8>, png::EncodingError> {
        self.stream.finish()?;
        Ok(self.output.0.take())
    }
}
