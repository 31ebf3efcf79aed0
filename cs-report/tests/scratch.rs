#[test]
fn scratch() {
    let t = std::time::Instant::now();
    let input = cs_report::ReviewInput::sample().unwrap();
    eprintln!("input {:?}", t.elapsed());
    let r = cs_report::Review::build(&input, |s| eprintln!("{s} {:?}", t.elapsed())).unwrap();
    eprintln!("{}", serde_json::to_string_pretty(&r.headline).unwrap());
    eprintln!("{}", serde_json::to_string(&r).unwrap().len());
}
