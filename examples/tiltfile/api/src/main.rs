fn main() {
    println!("api listening on :8080");
}
