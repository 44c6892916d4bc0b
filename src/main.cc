#include "cli/cli.h"

int main(int argc, char** argv) { return slant::cli::run(argc, argv); }
