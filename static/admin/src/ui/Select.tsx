/**
 * A single-choice select: Atlassian's (@atlaskit/select, searchable, keyboard
 * and screen-reader ready), with the plain `value` / `onChange(value)` shape
 * the editor's reducer wants. The input carries `id`, so a `<label htmlFor>`
 * names it and tests find it as they found the native `<select>`.
 */
import AkSelect, { AsyncSelect } from '@atlaskit/select';
import { useRef, useState } from 'react';

/**
 * The menu opens in a layer on top of the page, so a card's edge or the sticky save
 * bar never hides it (Jira's own pickers do the same).
 */
const MENU_ON_TOP = {
  menuPortalTarget: typeof document === 'undefined' ? null : document.body,
  menuPlacement: 'auto' as const,
  styles: { menuPortal: (base: object) => ({ ...base, zIndex: 510 }) },
};

export interface SelectChoice {
  value: string;
  label: string;
}

export interface SelectProps {
  id: string;
  value: string;
  choices: readonly SelectChoice[];
  onChange: (value: string) => void;
  /** When no visible `<label htmlFor={id}>` names it. */
  label?: string;
  describedBy?: string;
  invalid?: boolean;
  disabled?: boolean;
  placeholder?: string;
  /** Px; the select grows to its container otherwise. */
  width?: number;
}

export function Select({ id, value, choices, onChange, label, describedBy, invalid, disabled, placeholder, width }: SelectProps) {
  const selected = choices.find((choice) => choice.value === value) ?? null;
  return (
    <div className="ak-select-wrap" style={width ? { width } : { minWidth: 180 }} data-select-for={id}>
      <AkSelect<SelectChoice>
        inputId={id}
        options={[...choices]}
        value={selected}
        onChange={(choice) => {
          if (choice) onChange(choice.value);
        }}
        spacing="compact"
        isSearchable={choices.length > 7}
        isInvalid={invalid ?? false}
        isDisabled={disabled ?? false}
        placeholder={placeholder ?? 'Choose…'}
        {...(label ? { 'aria-label': label } : {})}
        {...(describedBy ? { descriptionId: describedBy } : {})}
        {...MENU_ON_TOP}
      />
    </div>
  );
}

export interface SearchSelectProps<T> {
  id: string;
  /** The chosen item, shown by `labelOf`. */
  value: T | null;
  /** Asks the server for items matching the text ('' = the first page); called at most every 250 ms while typing. */
  search: (query: string) => Promise<T[]>;
  keyOf: (item: T) => string;
  labelOf: (item: T) => string;
  onChange: (item: T | null) => void;
  placeholder: string;
  describedBy?: string;
  invalid?: boolean;
  clearable?: boolean;
  noneFound?: (query: string) => string;
}

/**
 * A combobox that searches as you type (@atlaskit/select's AsyncSelect): each
 * pause in typing is one server search, and only the newest answer is shown.
 */
export function SearchSelect<T>({ id, value, search, keyOf, labelOf, onChange, placeholder, describedBy, invalid, clearable, noneFound }: SearchSelectProps<T>) {
  const latest = useRef(0);
  const [failed, setFailed] = useState<string | null>(null);
  const loadOptions = (query: string) =>
    new Promise<T[]>((resolve) => {
      const ticket = ++latest.current;
      setTimeout(() => {
        // A newer keystroke started its own search: this one never asks the server.
        if (ticket !== latest.current) return resolve([]);
        search(query.trim()).then(
          (items) => {
            setFailed(null);
            resolve(items);
          },
          (error: unknown) => {
            setFailed(`Search failed: ${error instanceof Error ? error.message : String(error)}`);
            resolve([]);
          },
        );
      }, 250);
    });
  return (
    <div className="ak-select-wrap" data-select-for={id}>
      <AsyncSelect<T>
        inputId={id}
        value={value}
        loadOptions={loadOptions}
        defaultOptions
        getOptionValue={keyOf}
        getOptionLabel={labelOf}
        onChange={(item) => onChange(item ?? null)}
        isClearable={clearable ?? false}
        isInvalid={invalid ?? false}
        placeholder={placeholder}
        spacing="compact"
        {...(describedBy ? { descriptionId: describedBy } : {})}
        noOptionsMessage={({ inputValue }) => (noneFound ? noneFound(inputValue) : inputValue ? `Nothing matches “${inputValue}”.` : 'Type to search.')}
        loadingMessage={() => 'Searching…'}
        {...MENU_ON_TOP}
      />
      {failed ? (
        <div className="field-error" role="alert">
          {failed}
        </div>
      ) : null}
    </div>
  );
}
