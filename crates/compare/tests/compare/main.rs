//! Revision compare against generated drawing sets whose truth is known: round 1 and the
//! revised round 2 of one seed, where one sheet's linework changed inside the manifest's
//! `changed_region` and the pages are reordered.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod errors;
mod renderers;
mod sheets;
mod view;

use std::sync::OnceLock;

use onetrip_compare::{
    CompareOptions, Comparison, HayroRasteriser, PageRaster, PageRef, RasterOptions, Rasteriser,
    compare,
};
use onetrip_drawings::{Defects, DrawingSet, ManifestEntry, Round, SetOptions, generate};

/// Low enough that debug builds stay fast, high enough for 0.25 mm pens.
pub const DPI: f32 = 60.0;

pub struct Rounds {
    pub first: DrawingSet,
    pub second: DrawingSet,
}

fn options(round: Round) -> SetOptions {
    SetOptions {
        seed: 11,
        sheets_per_specialty: [3, 2, 1, 1, 1],
        segments_per_sheet: 1200,
        defects: Defects {
            rotated: true,
            ..Defects::default()
        },
        round,
        ..SetOptions::default()
    }
}

/// Both rounds, made once.
pub fn rounds() -> &'static Rounds {
    static ROUNDS: OnceLock<Rounds> = OnceLock::new();
    ROUNDS.get_or_init(|| Rounds {
        first: generate(&options(Round::First)).unwrap(),
        second: generate(&options(Round::Revised)).unwrap(),
    })
}

pub fn raster_options() -> RasterOptions {
    RasterOptions {
        dpi: DPI,
        ..RasterOptions::default()
    }
}

/// The manifest entry of a sheet number in a set.
pub fn entry<'a>(set: &'a DrawingSet, number: &str) -> &'a ManifestEntry {
    set.manifest
        .iter()
        .find(|e| e.sheet_number.as_deref() == Some(number))
        .unwrap_or_else(|| panic!("no sheet {number}"))
}

pub fn page<'a>(set: &'a DrawingSet, number: &str) -> PageRef<'a> {
    let e = entry(set, number);
    PageRef {
        pdf: &set.files[e.file].bytes,
        page: e.page as usize,
    }
}

/// The sheet that round 2 changed, and its changed region.
pub fn changed_sheet() -> (String, [f32; 4]) {
    rounds()
        .second
        .manifest
        .iter()
        .find_map(|e| Some((e.sheet_number.clone()?, e.changed_region?)))
        .expect("a changed sheet")
}

pub fn rasterise(page: PageRef<'_>) -> PageRaster {
    HayroRasteriser::default()
        .rasterise(page.pdf, page.page, &raster_options())
        .unwrap()
}

/// Rasters of a sheet in both rounds, made once per sheet number.
pub fn rasters(number: &str) -> &'static (PageRaster, PageRaster) {
    use std::collections::HashMap;
    use std::sync::Mutex;
    static RASTERS: OnceLock<Mutex<HashMap<String, &'static (PageRaster, PageRaster)>>> =
        OnceLock::new();
    // Held while rendering: a sheet is rendered once even when tests ask at the same time.
    let mut map = RASTERS.get_or_init(Default::default).lock().unwrap();
    if let Some(&found) = map.get(number) {
        return found;
    }
    let r = rounds();
    let made: &'static (PageRaster, PageRaster) = Box::leak(Box::new((
        rasterise(page(&r.first, number)),
        rasterise(page(&r.second, number)),
    )));
    map.insert(number.to_owned(), made);
    made
}

/// The comparison of the changed sheet's two rounds, made once.
pub fn changed_comparison() -> &'static Comparison {
    static RESULT: OnceLock<Comparison> = OnceLock::new();
    RESULT.get_or_init(|| {
        let (number, _) = changed_sheet();
        let (old, new) = rasters(&number);
        compare(old, new, &CompareOptions::default())
    })
}
