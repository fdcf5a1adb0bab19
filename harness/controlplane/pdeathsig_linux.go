package main

import "golang.org/x/sys/unix"

// A test runner killed with SIGKILL cannot clean up; the kernel then tells us.
func setParentDeathSignal() {
	_ = unix.Prctl(unix.PR_SET_PDEATHSIG, uintptr(unix.SIGTERM), 0, 0, 0)
}
