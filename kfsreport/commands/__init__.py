"""The commands (`build`, `check`, `serve`, `new`): thin users of `kfsreport.pipeline`."""
