#[test]
fn scratch() {
    let input = cs_report::ReviewInput::sample().unwrap();
    let r = cs_report::Review::build(&input, |_| {}).unwrap();
    std::fs::write("/tmp/report.html", cs_report::render_html(&r)).unwrap();
    eprintln!("{}", cs_report::summary_text(&r));
}
