use crate::Review;
/// The HTML page.
pub fn render_html(_r: &Review) -> String {
    String::new()
}
