/// mimalloc rather than the system allocator: the server's work is many small, short-lived
/// allocations across threads (see issue 10's profile), which mimalloc serves much faster.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> std::process::ExitCode {
    // Before anything can open a database (see the function's docs).
    let _ = biobridge::db::use_mimalloc_for_sqlite();
    biobridge::cli::main()
}
