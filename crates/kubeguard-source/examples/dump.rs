fn main() {
    let path = std::env::args().nth(1).expect("path");
    let text = std::fs::read_to_string(path).expect("read");
    for d in kubeguard_source::parse_documents(&text, &Default::default()) {
        match d {
            Ok(d) => println!("{}", d.root.to_json()),
            Err(e) => println!("ERR {e:?}"),
        }
    }
}
