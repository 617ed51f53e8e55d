fn main() -> std::process::ExitCode {
    biobridge::cli::main()
}
