/// mimalloc rather than the system allocator: the server's work is many small, short-lived
/// allocations across threads (see issue 10's profile), which mimalloc serves much faster.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> std::process::ExitCode {
    biobridge::cli::main()
}
