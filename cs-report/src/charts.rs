//! The review's charts, drawn by plotters' SVG backend into strings that the page inlines.
//! Text in the SVG is escaped by plotters; sizes are fixed, the page scales them with CSS.

use plotters::prelude::*;

use crate::ReportError;

const WIDTH: u32 = 640;
const BAR_HEIGHT: u32 = 36;

/// Colours of the health bands, lowest (red) first; more bands reuse the last colour.
pub(crate) const BAND_COLOURS: [RGBColor; 3] = [
    RGBColor(0xc6, 0x28, 0x28),
    RGBColor(0xf0, 0xa2, 0x02),
    RGBColor(0x2e, 0x7d, 0x32),
];
/// Grey for "insufficient data".
pub(crate) const GREY: RGBColor = RGBColor(0x9e, 0x9e, 0x9e);
/// Colours of the risk tiers, low to critical.
pub(crate) const TIER_COLOURS: [RGBColor; 4] = [
    RGBColor(0x2e, 0x7d, 0x32),
    RGBColor(0xf0, 0xa2, 0x02),
    RGBColor(0xef, 0x6c, 0x00),
    RGBColor(0xc6, 0x28, 0x28),
];
/// Colours of series (segments).
pub(crate) const SERIES: [RGBColor; 6] = [
    RGBColor(0x15, 0x65, 0xc0),
    RGBColor(0x8e, 0x24, 0xaa),
    RGBColor(0x00, 0x83, 0x8f),
    RGBColor(0x6d, 0x4c, 0x41),
    RGBColor(0xd8, 0x1b, 0x60),
    RGBColor(0x55, 0x8b, 0x2f),
];

fn err(e: impl std::fmt::Display) -> ReportError {
    ReportError(format!("chart: {e}"))
}

/// The colour of band `k` of `n` (red .. green).
pub(crate) fn band_colour(k: usize, n: usize) -> RGBColor {
    if n <= 1 {
        return BAND_COLOURS[2];
    }
    BAND_COLOURS[(k * 2).div_ceil(n - 1).min(2)]
}

/// One stacked horizontal bar per row: `parts` are (value, colour), drawn left to right.
pub(crate) fn stacked_bars(
    rows: &[(String, Vec<(f64, RGBColor)>)],
    x_label: &str,
) -> Result<String, ReportError> {
    let total = rows
        .iter()
        .map(|(_, p)| p.iter().map(|x| x.0).sum::<f64>())
        .fold(0.0_f64, f64::max)
        .max(f64::MIN_POSITIVE);
    let height = 60 + BAR_HEIGHT * u32::try_from(rows.len()).unwrap_or(1).max(1);
    let mut svg = String::new();
    {
        let root = SVGBackend::with_string(&mut svg, (WIDTH, height)).into_drawing_area();
        root.fill(&WHITE).map_err(err)?;
        let n = rows.len();
        let labels: Vec<String> = rows.iter().map(|r| r.0.clone()).collect();
        let mut chart = ChartBuilder::on(&root)
            .margin(8)
            .x_label_area_size(32)
            .y_label_area_size(110)
            // plotters' integer ranges include their end: 0..n-1 is n slots.
            .build_cartesian_2d(0.0..total, (0..n.saturating_sub(1)).into_segmented())
            .map_err(err)?;
        chart
            .configure_mesh()
            .disable_y_mesh()
            .y_labels(n.max(1))
            .y_label_formatter(&|y| match y {
                SegmentValue::CenterOf(i) | SegmentValue::Exact(i) if *i < n => {
                    labels.get(n - 1 - *i).cloned().unwrap_or_default()
                }
                _ => String::new(),
            })
            .x_desc(x_label)
            .draw()
            .map_err(err)?;
        for (r, (_, parts)) in rows.iter().enumerate() {
            let slot = n - 1 - r;
            let mut left = 0.0;
            for (value, colour) in parts {
                let right = left + value;
                let mut bar = Rectangle::new(
                    [
                        (left, SegmentValue::Exact(slot)),
                        (right, SegmentValue::Exact(slot + 1)),
                    ],
                    colour.filled(),
                );
                bar.set_margin(4, 4, 0, 0);
                chart.draw_series(std::iter::once(bar)).map_err(err)?;
                left = right;
            }
        }
        root.present().map_err(err)?;
    }
    Ok(svg)
}

/// A line chart over numeric x: each series (name, colour, points, optional band low/high).
pub(crate) struct Series {
    pub(crate) name: String,
    pub(crate) colour: RGBColor,
    pub(crate) points: Vec<(f64, f64)>,
    pub(crate) band: Option<Vec<(f64, f64, f64)>>,
    pub(crate) step: bool,
}

/// Lines (and shaded bands) on `x_range` × `y_range`; `x_format` labels the x axis.
pub(crate) fn lines(
    series: &[Series],
    x_range: (f64, f64),
    y_range: (f64, f64),
    x_desc: &str,
    y_desc: &str,
    x_format: &dyn Fn(&f64) -> String,
) -> Result<String, ReportError> {
    let mut svg = String::new();
    {
        let root = SVGBackend::with_string(&mut svg, (WIDTH, 320)).into_drawing_area();
        root.fill(&WHITE).map_err(err)?;
        let (x0, x1) = if x_range.1 > x_range.0 {
            x_range
        } else {
            (x_range.0, x_range.0 + 1.0)
        };
        let mut chart = ChartBuilder::on(&root)
            .margin(10)
            .x_label_area_size(36)
            .y_label_area_size(48)
            .build_cartesian_2d(x0..x1, y_range.0..y_range.1)
            .map_err(err)?;
        chart
            .configure_mesh()
            .x_desc(x_desc)
            .y_desc(y_desc)
            .x_label_formatter(x_format)
            .draw()
            .map_err(err)?;
        for s in series {
            if let Some(band) = &s.band {
                let stepped = |pts: Vec<(f64, f64)>| if s.step { steps(&pts) } else { pts };
                let upper = stepped(band.iter().map(|b| (b.0, b.2)).collect());
                let mut lower = stepped(band.iter().map(|b| (b.0, b.1)).collect());
                lower.reverse();
                let polygon: Vec<(f64, f64)> = upper.into_iter().chain(lower).collect();
                chart
                    .draw_series(std::iter::once(Polygon::new(
                        polygon,
                        s.colour.mix(0.15).filled(),
                    )))
                    .map_err(err)?;
            }
            let pts = if s.step {
                steps(&s.points)
            } else {
                s.points.clone()
            };
            let colour = s.colour;
            chart
                .draw_series(LineSeries::new(pts, colour.stroke_width(2)))
                .map_err(err)?
                .label(s.name.clone())
                .legend(move |(x, y)| PathElement::new(vec![(x, y), (x + 16, y)], colour.stroke_width(2)));
        }
        if series.len() > 1 {
            chart
                .configure_series_labels()
                .background_style(WHITE.mix(0.85))
                .border_style(BLACK.mix(0.3))
                .position(SeriesLabelPosition::LowerLeft)
                .draw()
                .map_err(err)?;
        }
        root.present().map_err(err)?;
    }
    Ok(svg)
}

fn steps(points: &[(f64, f64)]) -> Vec<(f64, f64)> {
    let mut out = Vec::with_capacity(points.len() * 2);
    for (i, p) in points.iter().enumerate() {
        if i > 0 {
            out.push((p.0, points[i - 1].1));
        }
        out.push(*p);
    }
    out
}

/// Estimates with intervals, one per labelled row (NPS by quarter or segment).
pub(crate) fn intervals(rows: &[(String, f64, f64, f64)], y_desc: &str) -> Result<String, ReportError> {
    let lo = rows.iter().map(|r| r.2).fold(0.0_f64, f64::min);
    let hi = rows.iter().map(|r| r.3).fold(0.0_f64, f64::max);
    let pad = ((hi - lo) * 0.1).max(1.0);
    let n = rows.len();
    let labels: Vec<String> = rows.iter().map(|r| r.0.clone()).collect();
    let mut svg = String::new();
    {
        let root = SVGBackend::with_string(&mut svg, (WIDTH, 300)).into_drawing_area();
        root.fill(&WHITE).map_err(err)?;
        let mut chart = ChartBuilder::on(&root)
            .margin(10)
            .x_label_area_size(36)
            .y_label_area_size(48)
            .build_cartesian_2d(-0.5..(n as f64 - 0.5).max(0.5), (lo - pad)..(hi + pad))
            .map_err(err)?;
        chart
            .configure_mesh()
            .disable_x_mesh()
            .x_labels(n.clamp(1, 16))
            .x_label_formatter(&|x| {
                let i = x.round();
                if (x - i).abs() < 1e-6 && i >= 0.0 && (i as usize) < n {
                    labels[i as usize].clone()
                } else {
                    String::new()
                }
            })
            .y_desc(y_desc)
            .draw()
            .map_err(err)?;
        let blue = SERIES[0];
        chart
            .draw_series(
                rows.iter()
                    .enumerate()
                    .map(|(i, r)| ErrorBar::new_vertical(i as f64, r.2, r.1, r.3, blue.filled(), 8)),
            )
            .map_err(err)?;
        chart
            .draw_series(
                rows.iter()
                    .enumerate()
                    .map(|(i, r)| Circle::new((i as f64, r.1), 4, blue.filled())),
            )
            .map_err(err)?;
        chart
            .draw_series(LineSeries::new(
                [(-0.5, 0.0), (n as f64 - 0.5, 0.0)],
                BLACK.mix(0.4),
            ))
            .map_err(err)?;
        root.present().map_err(err)?;
    }
    Ok(svg)
}
