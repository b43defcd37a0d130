/**
 * The keyboard and open/closed behaviour of the editor's search boxes (the
 * project picker and the user picker), in one place: ↑/↓ move through the
 * options, Enter picks the highlighted one, Escape closes, focus opens, blur
 * closes after a click on an option had time to land.
 */
import { useEffect, useState, type KeyboardEvent } from 'react';

export function useDebounced<T>(value: T, ms: number): T {
  const [debounced, setDebounced] = useState(value);
  useEffect(() => {
    const timer = setTimeout(() => setDebounced(value), ms);
    return () => clearTimeout(timer);
  }, [value, ms]);
  return debounced;
}

export interface Combobox {
  open: boolean;
  /** Index of the highlighted option. */
  active: number;
  setOpen: (open: boolean) => void;
  /** Call when the typed text changes: opens the list and highlights the first option. */
  typed: () => void;
  /** Focus, blur and key handlers for the input, over the options shown now. */
  inputProps: <T>(options: readonly T[], choose: (option: T) => void) => {
    onFocus: () => void;
    onBlur: () => void;
    onKeyDown: (event: KeyboardEvent<HTMLInputElement>) => void;
  };
}

export function useCombobox(): Combobox {
  const [open, setOpen] = useState(false);
  const [active, setActive] = useState(0);
  return {
    open,
    active,
    setOpen,
    typed: () => {
      setOpen(true);
      setActive(0);
    },
    inputProps: (options, choose) => ({
      onFocus: () => setOpen(true),
      onBlur: () => setTimeout(() => setOpen(false), 150),
      onKeyDown: (event) => {
        if (event.key === 'ArrowDown') {
          event.preventDefault();
          setOpen(true);
          setActive((a) => Math.min(a + 1, options.length - 1));
        } else if (event.key === 'ArrowUp') {
          event.preventDefault();
          setActive((a) => Math.max(a - 1, 0));
        } else if (event.key === 'Enter' && open && options[active] !== undefined) {
          event.preventDefault();
          choose(options[active]);
        } else if (event.key === 'Escape') setOpen(false);
      },
    }),
  };
}
